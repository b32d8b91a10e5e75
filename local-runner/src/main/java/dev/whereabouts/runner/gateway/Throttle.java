package dev.whereabouts.runner.gateway;

/**
 * One API Gateway throttling bucket (Throttles gives each method its own) that refills at {@code
 * rate} requests per second up to {@code burst}.
 */
public final class Throttle {
  /** A limit as the template states it. */
  public record Limits(double ratePerSecond, int burst) {}

  private final Limits limits;
  private double tokens;
  private long last;

  public Throttle(Limits limits) {
    this.limits = limits;
    this.tokens = limits.burst();
    this.last = System.nanoTime();
  }

  /** Takes one token, or answers false when the caller must be refused with 429. */
  public synchronized boolean tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(limits.burst(), tokens + (now - last) / 1e9 * limits.ratePerSecond());
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
