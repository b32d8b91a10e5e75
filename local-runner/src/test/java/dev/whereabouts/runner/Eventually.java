package dev.whereabouts.runner;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits, bounded, for something the runner does just after it answers (a metric counted, a log line
 * written, a sweep done). The wait returns the last value it saw whether or not the condition came
 * true, so the test's own assertion on it says what was wrong.
 */
public final class Eventually {
  /** How often a condition is probed unless the caller says otherwise. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  /** A probe that may throw whatever the test's own code throws. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  private Eventually() {}

  /** Probes every {@link #POLL_INTERVAL} until {@code done} holds or {@code within} has passed. */
  public static <T> T await(Duration within, Probe<T> probe, Predicate<? super T> done)
      throws Exception {
    return await(within, POLL_INTERVAL, probe, done);
  }

  /** Probes every {@code interval} until {@code done} holds or {@code within} has passed. */
  public static <T> T await(
      Duration within, Duration interval, Probe<T> probe, Predicate<? super T> done)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    T value = probe.get();
    while (!done.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(interval.toMillis());
      value = probe.get();
    }
    return value;
  }
}
