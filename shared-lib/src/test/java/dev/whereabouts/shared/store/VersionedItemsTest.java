package dev.whereabouts.shared.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.testing.LocalDynamoDb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class VersionedItemsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:15:30.123Z");
  private static VersionedItems items;
  private static ExecutorService pool;

  @BeforeAll
  static void table() {
    String table = LocalDynamoDb.createTable("versioned", "id", null);
    items = new VersionedItems(LocalDynamoDb.client(), table, "id");
    pool = Executors.newFixedThreadPool(16);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static Map<String, AttributeValue> name(String value) {
    Map<String, AttributeValue> a = new HashMap<>();
    a.put("name", value == null ? null : AttributeValue.fromS(value));
    return a;
  }

  @Test
  void createStartsAtVersionOneAndEveryReplaceAddsOne() {
    var first = items.replace("a", name("x"), Precondition.none(), NOW);
    assertEquals(1, Attributes.requiredNumber(first, "version"));
    assertEquals("2026-11-23T10:15:30.123Z", first.get("createdAt").s());
    var second = items.replace("a", name("y"), Precondition.version(1), NOW.plusSeconds(5));
    assertEquals(2, Attributes.requiredNumber(second, "version"));
    assertEquals("y", second.get("name").s());
    assertEquals("2026-11-23T10:15:30.123Z", second.get("createdAt").s());
    assertEquals("2026-11-23T10:15:35.123Z", second.get("updatedAt").s());
  }

  @Test
  void nullAttributesAreRemoved() {
    items.replace("b", name("x"), Precondition.none(), NOW);
    var after = items.replace("b", name(null), Precondition.none(), NOW);
    assertFalse(after.containsKey("name"));
  }

  @Test
  void aStaleVersionWritesNothing() {
    items.replace("c", name("x"), Precondition.none(), NOW);
    items.replace("c", name("y"), Precondition.none(), NOW);
    assertThrows(
        VersionConflict.class, () -> items.replace("c", name("z"), Precondition.version(1), NOW));
    assertEquals("y", items.get("c").orElseThrow().get("name").s());
    assertThrows(VersionConflict.class, () -> items.delete("c", Precondition.version(1)));
    assertTrue(items.get("c").isPresent());
  }

  @Test
  void preconditionsOnMissingItemsFail() {
    assertThrows(
        VersionConflict.class, () -> items.replace("d", name("x"), Precondition.version(1), NOW));
    assertThrows(
        VersionConflict.class, () -> items.replace("d", name("x"), Precondition.exists(), NOW));
    assertTrue(items.get("d").isEmpty());
  }

  @Test
  void afterADeleteANewItemStartsAgainAtOne() {
    items.replace("e", name("x"), Precondition.none(), NOW);
    items.replace("e", name("x"), Precondition.none(), NOW);
    items.delete("e", Precondition.none());
    items.delete("e", Precondition.none());
    assertEquals(
        1,
        Attributes.requiredNumber(
            items.replace("e", name("x"), Precondition.none(), NOW), "version"));
  }

  @Test
  void concurrentUnconditionalWritersEachGetTheirOwnVersion() throws Exception {
    int writers = 16;
    int writesEach = 10;
    Set<Long> versions = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < writesEach; i++) {
                  var item = items.replace("f", name("w" + writer), Precondition.none(), NOW);
                  versions.add(Attributes.requiredNumber(item, "version"));
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertEquals(writers * writesEach, versions.size(), "every write got a distinct version");
    assertEquals(
        writers * writesEach, Attributes.requiredNumber(items.get("f").orElseThrow(), "version"));
  }

  @Test
  void concurrentConditionalWritersOnOneVersionHaveExactlyOneWinner() throws Exception {
    items.replace("g", name("start"), Precondition.none(), NOW);
    AtomicInteger won = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 16; w++) {
      int writer = w;
      done.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  items.replace("g", name("w" + writer), Precondition.version(1), NOW);
                  won.incrementAndGet();
                } catch (VersionConflict e) {
                  lost.incrementAndGet();
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertEquals(1, won.get());
    assertEquals(15, lost.get());
    assertEquals(2, Attributes.requiredNumber(items.get("g").orElseThrow(), "version"));
  }

  @Test
  void aWriteThatCanNeverApplyIsRefusedByDynamoDbAndWritesNothing() {
    String table = LocalDynamoDb.createTable("never", "id", null);
    VersionedItems fresh = new VersionedItems(LocalDynamoDb.client(), table, "id");

    assertThrows(
        VersionConflict.class, () -> fresh.replace("a", name("x"), Precondition.never(), NOW));
    assertThrows(VersionConflict.class, () -> fresh.delete("a", Precondition.never()));
    assertEquals(0, LocalDynamoDb.client().scan(s -> s.tableName(table)).count());
  }

  @Test
  void aWriteThatCanNeverApplyLeavesEvenAnExistingItemAlone() {
    String table = LocalDynamoDb.createTable("never", "id", null);
    VersionedItems fresh = new VersionedItems(LocalDynamoDb.client(), table, "id");
    Map<String, AttributeValue> kept =
        Map.of("id", AttributeValue.fromS("a"), "name", AttributeValue.fromS("kept"));
    LocalDynamoDb.client().putItem(p -> p.tableName(table).item(kept));

    assertThrows(
        VersionConflict.class, () -> fresh.replace("a", name("x"), Precondition.never(), NOW));
    assertThrows(VersionConflict.class, () -> fresh.delete("a", Precondition.never()));
    assertEquals(kept, fresh.get("a").orElseThrow());
  }
}
