package dev.whereabouts.profile;

import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.validation.Fields;
import java.util.Optional;
import java.util.Set;

/** What a user says about themselves: a display name and an optional bio. */
public record Profile(String displayName, Optional<String> bio) {
  /** Longest display name, in code points. */
  public static final int MAX_DISPLAY_NAME = 64;

  /** Longest bio, in code points. */
  public static final int MAX_BIO = 500;

  private static final Set<String> PROPERTIES = Set.of("displayName", "bio");

  public Profile {
    if (displayName == null || displayName.isEmpty() || bio == null) {
      throw new IllegalArgumentException("a profile needs a display name");
    }
  }

  /**
   * Reads a {@code PUT} body.
   *
   * @throws dev.whereabouts.shared.problem.Problem 400 naming the offending field
   */
  public static Profile parse(JsonObject body) {
    Fields fields = Fields.of(body, PROPERTIES);
    return new Profile(
        fields.requiredText("displayName", 1, MAX_DISPLAY_NAME),
        fields.optionalMultilineText("bio", 0, MAX_BIO));
  }
}
