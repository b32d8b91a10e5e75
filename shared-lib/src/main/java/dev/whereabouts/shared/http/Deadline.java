package dev.whereabouts.shared.http;

import java.time.Duration;
import java.util.Optional;

/**
 * When an invocation must have answered: Lambda's deadline, or {@link #none()} for a request read
 * outside an invocation (a test building a {@link Request} by hand).
 */
public final class Deadline {
  private static final Deadline NONE = new Deadline(Optional.empty());

  private final Optional<Long> atNanos;

  private Deadline(Optional<Long> atNanos) {
    this.atNanos = atNanos;
  }

  /** No deadline: the time left is unknown, and nothing is cut short for it. */
  public static Deadline none() {
    return NONE;
  }

  /** A deadline {@code timeLeft} from now. */
  public static Deadline in(Duration timeLeft) {
    return new Deadline(Optional.of(System.nanoTime() + timeLeft.toNanos()));
  }

  /** The time left before the deadline (zero once passed), unless there is none. */
  public Optional<Duration> remaining() {
    return atNanos.map(at -> Duration.ofNanos(Math.max(0, at - System.nanoTime())));
  }
}
