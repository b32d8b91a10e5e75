package dev.whereabouts.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer tokens: 256 random bits, base64url without padding (43 characters). Only the token's
 * SHA-256 is stored, as the key of its item; a plain hash is enough because the token, unlike a
 * password, carries full entropy.
 *
 * <p>A token belongs to an account, not only to a userId: it is stored with the account's token
 * generation, and it resolves only while the user item still exists and carries that generation. So
 * deleting the user, registering the userId again, or revoking all tokens ({@link #revokeAll}) ends
 * every token issued before. The price is a second consistent read (the user item) per
 * authorization: one more round trip to DynamoDB and one more read capacity unit per request.
 */
public final class Tokens {
  /** How long a token is valid after it was issued. */
  public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

  /** Random bytes per token. */
  public static final int TOKEN_BYTES = 32;

  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");
  private static final Pattern BEARER =
      Pattern.compile("^\\s*bearer +([A-Za-z0-9_-]{43})\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** A token just issued: its value (shown to the client once) and its expiry. */
  public record Issued(String value, Instant expiresAt) {
    /** Leaves the token out. */
    @Override
    public String toString() {
      return "Issued[expiresAt=" + expiresAt + "]";
    }
  }

  private final AuthTable table;
  private final SecureRandom random;

  public Tokens(AuthTable table) {
    this.table = table;
    this.random = new SecureRandom();
  }

  /** Random bytes of an account's token generation. */
  static final int GENERATION_BYTES = 16;

  private static final SecureRandom GENERATIONS = new SecureRandom();

  /**
   * Issues a token for {@code userId} in the account's token {@code generation}, valid for {@link
   * #TOKEN_LIFETIME} from {@code now}.
   */
  public Issued issue(String userId, String generation, Instant now) {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    String token = BASE64URL.encodeToString(bytes);
    Instant expiresAt = now.plus(TOKEN_LIFETIME);
    table.putToken(hash(token), userId, generation, now, expiresAt);
    return new Issued(token, expiresAt);
  }

  /**
   * The user a token was issued to, if it is well-formed, stored, not expired at {@code now}, and
   * its account still exists in the generation the token was issued in. DynamoDB deletes expired
   * items up to days late, so the expiry is checked here.
   */
  public Optional<String> resolve(String token, Instant now) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      return Optional.empty();
    }
    Optional<AuthTable.StoredToken> stored =
        table
            .token(hash(token))
            .filter(t -> now.isBefore(t.expiresAt()))
            .filter(t -> t.generation().isPresent());
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    String userId = stored.get().userId();
    boolean sameAccount =
        table
            .account(userId)
            .filter(Account::registered)
            .flatMap(Account::tokenGeneration)
            .filter(generation -> generation.equals(stored.get().generation().get()))
            .isPresent();
    return sameAccount ? Optional.of(userId) : Optional.empty();
  }

  /**
   * Revokes every token of {@code userId} at once: the account gets a new token generation, so
   * tokens of the old one no longer resolve. Their items stay until their TTL.
   */
  public void revokeAll(String userId) {
    table.renewTokenGeneration(userId);
  }

  /** A fresh token generation: 128 random bits, base64url. */
  static String newGeneration() {
    byte[] bytes = new byte[GENERATION_BYTES];
    GENERATIONS.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /**
   * Revokes a token of {@code userId}: its item is deleted, so it resolves to nobody from now on.
   *
   * @return false when the token belongs to someone else (nothing was revoked)
   */
  public boolean revoke(String token, String userId) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      return true;
    }
    return table.deleteToken(hash(token), userId);
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header value (scheme case-insensitive),
   * or empty when the value is missing or not of that form.
   */
  public static Optional<String> fromAuthorizationHeader(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Matcher m = BEARER.matcher(value);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** SHA-256 of the token, base64url without padding: the stored form. */
  static String hash(String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return BASE64URL.encodeToString(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
