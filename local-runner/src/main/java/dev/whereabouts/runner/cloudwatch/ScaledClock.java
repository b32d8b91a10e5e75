package dev.whereabouts.runner.cloudwatch;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code scale} times faster than the system's from the moment it is made, so
 * that minute-long alarm periods pass in seconds (the browser test, demos). The system property
 * {@code whereabouts.timeScale} sets it for the runner; 1 is real time.
 */
public final class ScaledClock extends Clock {
  private final long startMs;
  private final long startNanos;
  private final double scale;

  public ScaledClock(double scale) {
    if (!(scale >= 1 && scale <= 3600)) {
      throw new IllegalArgumentException("a time scale is between 1 and 3600, not " + scale);
    }
    this.startMs = System.currentTimeMillis();
    this.startNanos = System.nanoTime();
    this.scale = scale;
  }

  /** The clock {@code whereabouts.timeScale} asks for (the system clock when unset or 1). */
  public static Clock fromSystemProperty() {
    String v = System.getProperty("whereabouts.timeScale");
    if (v == null || v.isBlank() || Double.parseDouble(v) == 1) {
      return Clock.systemUTC();
    }
    return new ScaledClock(Double.parseDouble(v));
  }

  @Override
  public long millis() {
    return startMs + (long) ((System.nanoTime() - startNanos) / 1e6 * scale);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
