package dev.whereabouts.auth;

import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.validation.Fields;
import java.util.Set;

/** A userId and a password, as sent to {@code POST /auth/users} and {@code POST /auth/tokens}. */
public record Credentials(String userId, String password) {
  /** Shortest password a user may register (code points). */
  public static final int MIN_PASSWORD_LENGTH = 10;

  /** Longest password accepted anywhere (code points); longer ones are refused before hashing. */
  public static final int MAX_PASSWORD_LENGTH = 128;

  private static final Set<String> PROPERTIES = Set.of("userId", "password");

  /**
   * Reads a registration body: the password must be 10 to 128 characters.
   *
   * @throws dev.whereabouts.shared.problem.Problem 400 naming the offending field
   */
  public static Credentials forRegistration(JsonObject body) {
    Fields fields = Fields.of(body, PROPERTIES);
    return new Credentials(
        fields.requiredUserId("userId"),
        fields.requiredString("password", MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH));
  }

  /**
   * Reads a login body: any non-empty password up to 128 characters (the rules of the day it was
   * set may have been other than today's).
   *
   * @throws dev.whereabouts.shared.problem.Problem 400 naming the offending field
   */
  public static Credentials forLogin(JsonObject body) {
    Fields fields = Fields.of(body, PROPERTIES);
    return new Credentials(
        fields.requiredUserId("userId"), fields.requiredString("password", 1, MAX_PASSWORD_LENGTH));
  }

  /** Leaves the password out. */
  @Override
  public String toString() {
    return "Credentials[userId=" + userId + "]";
  }
}
