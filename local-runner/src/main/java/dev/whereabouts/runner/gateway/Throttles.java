package dev.whereabouts.runner.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API Gateway's stage throttling as it is on AWS: per method. A {@code /*}{@code /*} method setting
 * is the default of every method, and each method gets a bucket of its own of that size; a method's
 * own setting replaces the default for that method (it is not an extra bucket on top of a shared
 * one). There is no bucket for the stage as a whole, only the account's regional limit, which the
 * runner does not model.
 */
public final class Throttles {
  private final Optional<Throttle.Limits> stageDefault;
  private final Map<String, Throttle.Limits> perMethod;
  private final Map<String, Throttle> buckets = new ConcurrentHashMap<>();

  /**
   * @param stageDefault the {@code /*}{@code /*} setting, if any
   * @param perMethod settings of single methods, by "METHOD /resource/path"
   */
  public Throttles(Optional<Throttle.Limits> stageDefault, Map<String, Throttle.Limits> perMethod) {
    this.stageDefault = stageDefault;
    this.perMethod = Map.copyOf(perMethod);
  }

  /**
   * Takes one token from the method's bucket.
   *
   * @param methodKey "METHOD /resource/path" as the API defines it (path parameters in braces)
   * @return false when the request must be refused with 429
   */
  public boolean tryAcquire(String methodKey) {
    Optional<Throttle.Limits> limits =
        Optional.ofNullable(perMethod.get(methodKey)).or(() -> stageDefault);
    if (limits.isEmpty()) {
      return true;
    }
    return buckets.computeIfAbsent(methodKey, k -> new Throttle(limits.get())).tryAcquire();
  }
}
