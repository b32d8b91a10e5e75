package dev.whereabouts.auth;

import dev.whereabouts.shared.problem.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Registration and login with lock-out.
 *
 * <p>A login first <em>reserves</em> its attempt: it counts one more failure on the userId's item
 * with a conditional write, and only then spends a hash. So parallel guesses cannot run more than
 * {@link #MAX_FAILURES} verifications before the lock: the write that reserves the last allowed
 * attempt also sets the lock. If that attempt turns out right, the success lifts the lock; if it is
 * wrong (or the function dies while hashing), the lock simply stays for {@link #LOCK_DURATION}.
 *
 * <p>Unknown userIds are treated alike: their failures are kept on a ghost item (no password hash,
 * deleted by TTL after {@link #GHOST_LIFETIME}) and they cost one hash, so neither the answer nor
 * the lock-out nor the time taken tells whether a userId exists.
 */
public final class Users {
  /** Consecutive failures that lock a userId. */
  public static final int MAX_FAILURES = 5;

  /** How long a locked userId refuses every attempt. */
  public static final Duration LOCK_DURATION = Duration.ofMinutes(15);

  /** How long an unregistered userId's failure record is kept after its last failure. */
  public static final Duration GHOST_LIFETIME = Duration.ofHours(24);

  /**
   * Conditional writes tried before giving up under contention. Each lost write means another
   * attempt on the same userId won; after {@link #MAX_FAILURES} wins the userId is locked, so only
   * successful logins racing each other can use more.
   */
  static final int MAX_WRITE_ATTEMPTS = 10;

  /** What a client is told to wait when the write attempts ran out. */
  static final Duration CONTENTION_RETRY_AFTER = Duration.ofSeconds(1);

  /** What a login attempt came to. */
  public sealed interface Login permits Succeeded, Failed, Locked {}

  /** The password was right: a new token. */
  public record Succeeded(Tokens.Issued token) implements Login {}

  /**
   * Wrong password or unknown userId (deliberately the same).
   *
   * @param lockedNow this failure was the last allowed one; the userId is now locked
   */
  public record Failed(boolean lockedNow) implements Login {}

  /** The userId is locked; nothing was checked. */
  public record Locked(Duration retryAfter) implements Login {}

  private final AuthTable table;
  private final Passwords passwords;
  private final Tokens tokens;

  public Users(AuthTable table, Passwords passwords, Tokens tokens) {
    this.table = table;
    this.passwords = passwords;
    this.tokens = tokens;
  }

  /**
   * Registers a user (replacing a ghost of the same userId).
   *
   * @return false when the userId is taken; nothing was written
   */
  public boolean register(Credentials credentials, Instant now) {
    String hash = passwords.hash(credentials.password());
    return table.createUser(credentials.userId(), hash, now);
  }

  /** One login attempt at {@code now}. */
  public Login login(Credentials credentials, Instant now) {
    String userId = credentials.userId();
    Account reserved = null;
    for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS && reserved == null; attempt++) {
      Account current = current(userId, now);
      if (current.lockedAt(now)) {
        return new Locked(current.lockRemaining(now));
      }
      reserved = table.write(reservation(current, now)).orElse(null);
    }
    if (reserved == null) {
      throw busy();
    }

    boolean valid;
    if (reserved.registered()) {
      valid = passwords.verify(credentials.password(), reserved.passwordHash().get());
    } else {
      passwords.burn(credentials.password());
      valid = false;
    }
    if (!valid) {
      return new Failed(reserved.lockedUntil().isPresent());
    }
    Account cleared = clearFailures(reserved, credentials.password());
    return new Succeeded(tokens.issue(userId, cleared.tokenGeneration().orElseThrow(), now));
  }

  /** The stored state; an expired ghost counts as nothing stored (but keeps its version). */
  private Account current(String userId, Instant now) {
    Optional<Account> stored = table.account(userId);
    return stored
        .filter(a -> !a.expiredGhostAt(now))
        .orElseGet(() -> Account.absent(userId, stored.map(Account::version).orElse(0L)));
  }

  private static Account reservation(Account current, Instant now) {
    // A lock that has run out starts the count afresh.
    int failures = (current.lockedUntil().isPresent() ? 0 : current.failures()) + 1;
    Account next =
        failures >= MAX_FAILURES
            ? current.withFailures(0, Optional.of(now.plus(LOCK_DURATION)))
            : current.withFailures(failures, Optional.empty());
    return next.registered() ? next : next.withExpiresAt(now.plus(GHOST_LIFETIME));
  }

  /**
   * After a success: no failures, no lock, the hash raised to today's cost if it is lower, and a
   * token generation if the user has none yet (registered before generations existed).
   *
   * @return the account as stored
   */
  private Account clearFailures(Account reserved, String password) {
    String verified = reserved.passwordHash().get();
    Optional<String> rehashed =
        passwords.needsRehash(verified) ? Optional.of(passwords.hash(password)) : Optional.empty();
    Account expected = reserved;
    for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      Account next = expected.withFailures(0, Optional.empty());
      if (rehashed.isPresent() && expected.passwordHash().equals(Optional.of(verified))) {
        next = next.withPasswordHash(rehashed.get());
      }
      if (next.tokenGeneration().isEmpty()) {
        next = next.withTokenGeneration(Tokens.newGeneration());
      }
      Optional<Account> written = table.write(next);
      if (written.isPresent()) {
        return written.get();
      }
      expected =
          table
              .account(reserved.userId())
              .filter(Account::registered)
              .orElseThrow(() -> new IllegalStateException("a registered user's item vanished"));
    }
    throw busy();
  }

  private static Problem busy() {
    return Problem.serviceUnavailable(
        "Too many sign-ins for this userId at once; retry after the time given in Retry-After.",
        CONTENTION_RETRY_AFTER);
  }
}
