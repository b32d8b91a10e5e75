package dev.whereabouts.shared.snapstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.telemetry.Telemetry;
import dev.whereabouts.shared.testing.LogLines;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrimingTest {
  private static final Telemetry UNSET = Telemetry.from(Environment.of(Map.of()));

  @Test
  void everyKeepAliveClassPrimingLoadsExistsInThisJdk() {
    // A name this JDK no longer has would be skipped silently at run time; the build says so.
    assertEquals(
        Priming.KEEP_ALIVE_CLASSES.size(), Priming.loadClasses(Priming.KEEP_ALIVE_CLASSES));
  }

  @Test
  void aClassThisJdkDoesNotHaveIsSkippedNotFatal() {
    assertEquals(0, Priming.loadClasses(List.of("sun.net.www.http.NoSuchClassInAnyJdk")));
  }

  @Test
  void whatTheRoundsNeedIsBuiltWhenPrimingRunsNotWhenItIsRegistered() {
    AtomicInteger built = new AtomicInteger();
    Runnable round = () -> {};
    Priming priming =
        Priming.register(
            "test",
            UNSET,
            () -> {
              built.incrementAndGet();
              return round;
            });
    assertEquals(0, built.get(), "init pays nothing for priming");

    priming.run();

    assertEquals(1, built.get());
  }

  @Test
  void aFailureToBuildTheRoundsIsReportedAndNeverThrown() throws Exception {
    Priming priming =
        Priming.register(
            "test",
            UNSET,
            () -> {
              throw new IllegalStateException("no TABLE_NAME");
            });

    List<JsonNode> lines = LogLines.of(priming::run);

    assertEquals(1, lines.size());
    assertEquals("java.lang.IllegalStateException", lines.get(0).path("failure").asText());
    assertEquals(0, lines.get(0).path("rounds").asInt());
  }

  @Test
  void theActionRunsEnoughRoundsForTheJitToCompileItsPath() {
    AtomicInteger runs = new AtomicInteger();
    Runnable round = runs::incrementAndGet;
    Priming priming = Priming.register("test", UNSET, () -> round);

    priming.run();

    assertEquals(Priming.ROUNDS, runs.get());
    assertTrue(Priming.ROUNDS >= 100, "C1 compiles a method after ~200 calls");
  }

  @Test
  void aFailingActionStopsPrimingAfterItsFirstRound() {
    AtomicInteger runs = new AtomicInteger();
    Runnable failing =
        () -> {
          runs.incrementAndGet();
          throw new IllegalStateException("no network");
        };
    Priming priming = Priming.register("test", UNSET, () -> failing);

    priming.run();

    assertEquals(1, runs.get());
  }
}
