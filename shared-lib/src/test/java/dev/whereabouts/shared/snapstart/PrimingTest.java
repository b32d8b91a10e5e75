package dev.whereabouts.shared.snapstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrimingTest {
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
  void theActionRunsMarkedAsPrimingAndTheMarkIsGoneAfterIt() {
    AtomicBoolean during = new AtomicBoolean();
    Priming priming =
        Priming.register(
            "test",
            () -> {
              during.set(Priming.running());
              throw new IllegalStateException("no network");
            });

    priming.run();

    assertTrue(during.get(), "the action's DynamoDB calls ask for Connection: close");
    assertFalse(Priming.running(), "a real request after priming keeps its connection");
  }

  @Test
  void theActionRunsEnoughRoundsForTheJitToCompileItsPath() {
    AtomicInteger runs = new AtomicInteger();
    Priming priming = Priming.register("test", runs::incrementAndGet);

    priming.run();

    assertEquals(Priming.ROUNDS, runs.get());
    assertTrue(Priming.ROUNDS >= 100, "C1 compiles a method after ~200 calls");
  }

  @Test
  void aFailingActionStopsPrimingAfterItsFirstRound() {
    AtomicInteger runs = new AtomicInteger();
    Priming priming =
        Priming.register(
            "test",
            () -> {
              runs.incrementAndGet();
              throw new IllegalStateException("no network");
            });

    priming.run();

    assertEquals(1, runs.get());
  }
}
