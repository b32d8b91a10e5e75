package dev.whereabouts.profile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The public read's answers, kept for {@link #MAX_AGE} in one execution environment, with one read
 * per user in flight: concurrent requests for a user wait for the read the first one started
 * instead of each reading both tables.
 *
 * <p>Only an anonymous 200 answer is kept, and only a complete one (the handler decides). A read
 * that fails (404, a throttle, a timeout) is handed to the requests that waited for it and then
 * forgotten, so the next request reads again. An answer's age counts from before its read started,
 * so what it shows is never older than its age. Nothing authenticated or private goes in here: the
 * handler reads past the cache for any request with {@code Authorization}.
 */
final class PublicReadCache<T> {
  /** How long an answer is served from here; the edge's {@code max-age} leaves room for it. */
  static final Duration MAX_AGE = Duration.ofSeconds(2);

  /** Users kept at most: a Lambda environment serves one request at a time, so this is plenty. */
  static final int MAX_ENTRIES = 1_000;

  private record Entry<T>(Instant started, CompletableFuture<T> answer) {}

  private final Clock clock;
  private final ConcurrentHashMap<String, Entry<T>> entries = new ConcurrentHashMap<>();

  PublicReadCache(Clock clock) {
    this.clock = clock;
  }

  /**
   * The user's answer: a fresh kept one, the one being read, or {@code read}'s (which this request
   * then runs, and keeps if {@code keep} says so; requests already waiting get it either way).
   */
  T get(String userId, Supplier<T> read, Predicate<T> keep) {
    Instant now = clock.instant();
    CompletableFuture<T> mine = new CompletableFuture<>();
    Entry<T> entry =
        entries.compute(
            userId,
            (key, kept) -> kept != null && usable(kept, now) ? kept : new Entry<>(now, mine));
    if (entry.answer() != mine) {
      return await(entry.answer());
    }
    if (entries.size() > MAX_ENTRIES) {
      evict(now);
    }
    try {
      T answer = read.get();
      mine.complete(answer);
      if (!keep.test(answer)) {
        entries.remove(userId, entry);
      }
      return answer;
    } catch (RuntimeException | Error e) {
      entries.remove(userId, entry);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /** Forgets the user's answer (after a write in this environment). */
  void forget(String userId) {
    entries.remove(userId);
  }

  /** Answers kept or in flight (tests). */
  int size() {
    return entries.size();
  }

  private static boolean usable(Entry<?> entry, Instant now) {
    if (!entry.answer().isDone()) {
      return true;
    }
    Duration age = Duration.between(entry.started(), now);
    // A clock that went backwards makes the age unknown: read again.
    return !age.isNegative() && age.compareTo(MAX_AGE) < 0;
  }

  private void evict(Instant now) {
    entries.values().removeIf(e -> e.answer().isDone() && !usable(e, now));
    if (entries.size() > MAX_ENTRIES) {
      entries.values().removeIf(e -> e.answer().isDone());
    }
  }

  private static <T> T await(CompletableFuture<T> answer) {
    try {
      return answer.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
