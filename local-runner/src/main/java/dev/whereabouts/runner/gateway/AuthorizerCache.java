package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The REQUEST authorizers' results, cached per authorizer and identity for the authorizer's TTL as
 * API Gateway caches them. Expired results are dropped, not only ignored: every distinct token a
 * client sends would otherwise stay in memory for the runner's life.
 */
final class AuthorizerCache {
  private record Entry(JsonNode result, long expiresAtMillis) {}

  /** Sweep at most this often: a sweep walks every entry, a lookup should not. */
  private static final long SWEEP_INTERVAL_MILLIS = 1_000;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private volatile long nextSweepMillis;

  /** The cached result for {@code key}, if one is still valid at {@code nowMillis}. */
  Optional<JsonNode> get(String key, long nowMillis) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (e.expiresAtMillis() <= nowMillis) {
      entries.remove(key, e);
      return Optional.empty();
    }
    return Optional.of(e.result());
  }

  /** Caches {@code result} until {@code nowMillis + ttlMillis}, dropping what has expired. */
  void put(String key, JsonNode result, long nowMillis, long ttlMillis) {
    sweep(nowMillis);
    entries.put(key, new Entry(result, nowMillis + ttlMillis));
  }

  /** How many results are held, expired or not. */
  int size() {
    return entries.size();
  }

  private void sweep(long nowMillis) {
    if (nowMillis < nextSweepMillis) {
      return;
    }
    nextSweepMillis = nowMillis + SWEEP_INTERVAL_MILLIS;
    entries.values().removeIf(e -> e.expiresAtMillis() <= nowMillis);
  }
}
