package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class AuthorizerCacheTest {
  private static final long TTL_MILLIS = 300_000;

  @Test
  void aResultIsServedUntilItsTtlEnds() {
    AuthorizerCache cache = new AuthorizerCache();
    cache.put("auth\ntoken-a", TextNode.valueOf("allow"), 0, TTL_MILLIS);

    assertEquals(TextNode.valueOf("allow"), cache.get("auth\ntoken-a", TTL_MILLIS - 1).get());
    assertTrue(cache.get("auth\ntoken-a", TTL_MILLIS).isEmpty());
  }

  @Test
  void anExpiredResultLookedUpIsDropped() {
    AuthorizerCache cache = new AuthorizerCache();
    cache.put("auth\ntoken-a", TextNode.valueOf("allow"), 0, TTL_MILLIS);

    cache.get("auth\ntoken-a", TTL_MILLIS);

    assertEquals(0, cache.size());
  }

  @Test
  void expiredResultsNobodyAsksForAgainAreDroppedWhenNewOnesArrive() {
    AuthorizerCache cache = new AuthorizerCache();
    for (int i = 0; i < 1_000; i++) {
      cache.put("auth\ntoken-" + i, JsonNodeFactory.instance.objectNode(), i, TTL_MILLIS);
    }
    assertEquals(1_000, cache.size());

    cache.put("auth\nlate", JsonNodeFactory.instance.objectNode(), TTL_MILLIS + 1_000, TTL_MILLIS);

    assertEquals(1, cache.size());
  }
}
