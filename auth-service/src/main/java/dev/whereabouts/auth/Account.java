package dev.whereabouts.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The sign-in state of one userId as stored on {@code user#<userId>}: a registered user (with a
 * password hash) or a ghost, the failure record of a userId nobody registered, which expires by
 * TTL.
 *
 * @param failures failed attempts since the last success or lock
 * @param lockedUntil when set and in the future, every attempt is refused
 * @param expiresAt a ghost's TTL (whole seconds); never set on a user
 * @param version the stored version this state was read at; 0 when nothing is stored
 * @param tokenGeneration a user's current token generation: random, drawn at registration and drawn
 *     again when all its tokens are revoked. A token is valid only while it carries the generation
 *     of the account it was issued for (empty for ghosts and users registered before generations
 *     existed; such a user gets one at the next login)
 */
public record Account(
    String userId,
    Optional<String> passwordHash,
    int failures,
    Optional<Instant> lockedUntil,
    Optional<Instant> expiresAt,
    long version,
    Optional<String> tokenGeneration) {

  /** A userId with no record, or whose ghost expired: no failures, no lock. */
  static Account absent(String userId, long version) {
    return new Account(
        userId, Optional.empty(), 0, Optional.empty(), Optional.empty(), version, Optional.empty());
  }

  /** Whether a user registered this userId. */
  public boolean registered() {
    return passwordHash.isPresent();
  }

  /** Whether attempts are refused at {@code now}. */
  public boolean lockedAt(Instant now) {
    return lockedUntil.filter(now::isBefore).isPresent();
  }

  /** How long the lock still holds at {@code now} (zero when none). */
  public Duration lockRemaining(Instant now) {
    return lockedUntil
        .filter(now::isBefore)
        .map(t -> Duration.between(now, t))
        .orElse(Duration.ZERO);
  }

  /** Whether this is a ghost whose TTL has passed (DynamoDB deletes such items late). */
  public boolean expiredGhostAt(Instant now) {
    return !registered() && expiresAt.filter(t -> !now.isBefore(t)).isPresent();
  }

  Account withFailures(int count, Optional<Instant> until) {
    return new Account(userId, passwordHash, count, until, expiresAt, version, tokenGeneration);
  }

  Account withExpiresAt(Instant ttl) {
    return new Account(
        userId, passwordHash, failures, lockedUntil, Optional.of(ttl), version, tokenGeneration);
  }

  Account withPasswordHash(String phc) {
    return new Account(
        userId, Optional.of(phc), failures, lockedUntil, expiresAt, version, tokenGeneration);
  }

  Account withTokenGeneration(String generation) {
    return new Account(
        userId, passwordHash, failures, lockedUntil, expiresAt, version, Optional.of(generation));
  }

  /** Leaves the password hash out: it never belongs in a log line or an assertion message. */
  @Override
  public String toString() {
    return "Account[userId="
        + userId
        + ", registered="
        + registered()
        + ", failures="
        + failures
        + ", lockedUntil="
        + lockedUntil.orElse(null)
        + ", expiresAt="
        + expiresAt.orElse(null)
        + ", version="
        + version
        + "]";
  }
}
