package dev.whereabouts.runner.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The X-Ray headers the gateway and the invocations get. */
class TraceHeaderTest {
  private static final Instant NOW = Instant.ofEpochSecond(0x5759e988L);

  @Test
  void aRequestWithoutAHeaderStartsATraceAtItsEpochSecond() {
    String header = TraceHeader.forRequest(null, NOW);
    assertTrue(
        header.matches("Root=1-5759e988-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1"), header);
    assertNotEquals(TraceHeader.root(header), TraceHeader.root(TraceHeader.forRequest(null, NOW)));
  }

  @Test
  void aValidClientRootAndItsSamplingDecisionAreKeptWithANewParent() {
    String client = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";
    String header = TraceHeader.forRequest(client, Instant.now());
    assertEquals("1-5759e988-bd862e3fe1be46a994272793", TraceHeader.root(header));
    assertTrue(header.endsWith(";Sampled=0"), header);
    assertTrue(!header.contains("53995c3f42cd8ad8"), header);
  }

  @Test
  void anInvalidClientHeaderIsReplacedByANewTrace() {
    for (String bad :
        new String[] {
          "Root=1-xyz", "Root=2-5759e988-bd862e3fe1be46a994272793", "Sampled=1", "", "Root=\r\n"
        }) {
      String header = TraceHeader.forRequest(bad, NOW);
      assertTrue(header.startsWith("Root=1-5759e988-"), bad + " -> " + header);
    }
    assertNull(TraceHeader.root("Root=1-xyz"));
  }

  @Test
  void theLambdaRuntimesSystemPropertyAnswersEachThreadWithItsOwnInvocationsHeader()
      throws Exception {
    TraceHeader.installProperty();
    String a = TraceHeader.forRequest(null, NOW);
    String b = TraceHeader.forRequest(null, NOW);
    CountDownLatch bothSet = new CountDownLatch(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<String> seenByA = threads.submit(() -> readAfterBothSet(a, bothSet));
      Future<String> seenByB = threads.submit(() -> readAfterBothSet(b, bothSet));
      assertEquals(a, seenByA.get(10, TimeUnit.SECONDS));
      assertEquals(b, seenByB.get(10, TimeUnit.SECONDS));
    } finally {
      threads.shutdownNow();
    }
    assertNull(System.getProperty(TraceHeader.PROPERTY), "no header outside an invocation");
    assertEquals(System.getProperty("java.version"), System.getProperties().get("java.version"));
  }

  private static String readAfterBothSet(String header, CountDownLatch bothSet) {
    TraceHeader.setCurrent(header);
    try {
      bothSet.countDown();
      bothSet.await(10, TimeUnit.SECONDS);
      return System.getProperty(TraceHeader.PROPERTY);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      TraceHeader.setCurrent(null);
    }
  }
}
