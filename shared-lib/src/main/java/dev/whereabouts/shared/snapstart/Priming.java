package dev.whereabouts.shared.snapstart;

import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda takes the snapshot of an initialised function, run a service's
 * priming rounds ({@link #ROUNDS} times), so that the classes of the first request (JSON in and
 * out, validation, the SDK's marshalling, signing and HTTP client, logging, metrics) are loaded and
 * initialised, and their hot methods compiled, in the snapshot instead of on the first request
 * after every restore.
 *
 * <p>What a service's rounds must keep (tested per function): they drive a throwaway handler of
 * their own, never the one Lambda serves with; they write nothing (reads of keys that cannot exist,
 * {@link #ABSENT_KEY}, and writes under a condition no item meets); their log lines go nowhere, so
 * the only line priming writes is its own; and their DynamoDB client asks for {@code Connection:
 * close} ({@code store.Aws.dynamoDbForSnapshot}), so no connection is pooled into the snapshot to
 * be found dead after a restore. The JDK classes only a kept-alive connection loads are loaded by
 * name instead ({@link #KEEP_ALIVE_CLASSES}).
 *
 * <p>On a JVM without CRaC and outside SnapStart (tests, the local runner) registering does
 * nothing; {@link #run()} primes explicitly (the cold-start benchmark uses it).
 */
public final class Priming implements Resource {
  /** A key no user, profile, location or token can have: user ids start with [a-z0-9]. */
  public static final String ABSENT_KEY = "#snapstart-priming";

  /**
   * The JDK's classes that only a kept-alive HTTP/1.1 connection loads (JDK 17's, read from its
   * class-load log): priming's own connections are closed on purpose, so without this the first
   * request after every restore would load them. Loaded and initialised by name; none of them opens
   * or holds a connection or starts a thread when initialised (the keep-alive timer and cleaner
   * threads start only when a connection is put in the pool). A name this JDK does not have is
   * skipped: priming only saves time (JDK 25 has six of the eight; JDK 21, Lambda's, was not
   * available to check).
   */
  static final List<String> KEEP_ALIVE_CLASSES =
      List.of(
          "sun.net.www.HeaderParser",
          "java.util.OptionalInt",
          "sun.net.www.http.Hurryable",
          "sun.net.www.http.KeepAliveStream",
          "sun.net.www.http.KeepAliveStreamCleaner",
          "sun.net.www.http.KeepAliveCache$1",
          "sun.net.www.http.ClientVector",
          "sun.net.www.http.KeepAliveEntry");

  /**
   * How many times the action runs before the snapshot. Once loads the request path's classes; the
   * JIT (C1 only on Lambda: {@code -XX:TieredStopAtLevel=1}) compiles a method after about 200
   * calls, and a request calls most of its path once, so after one round the first request after a
   * restore still runs interpreted. 150 rounds cut the first request after priming by half on the
   * cold-start bench (docs/performance.md); each round's DynamoDB calls are refused reads and
   * writes on connections used once.
   */
  static final int ROUNDS = 150;

  /**
   * Rounds stop early after this long (at least one runs): priming counts against the snapshot's
   * init limit (130 s or the function's timeout), and a round of the auth function, with its
   * Argon2id verification, costs far more than a round of the others.
   */
  static final long BUDGET_NANOS = 5_000_000_000L;

  private final String service;
  private final Telemetry telemetry;
  private final Supplier<? extends Runnable> rounds;

  private Priming(String service, Telemetry telemetry, Supplier<? extends Runnable> rounds) {
    this.service = service;
    this.telemetry = telemetry;
    this.rounds = rounds;
  }

  /**
   * Registers a service's priming with the CRaC global context: {@code rounds} builds what priming
   * needs (a throwaway handler) when priming runs, never at init, and the {@code Runnable} it
   * returns is one round; priming's own line goes where {@code telemetry} says. The caller must
   * keep the returned object: the context holds its resources weakly.
   */
  public static Priming register(
      String service, Telemetry telemetry, Supplier<? extends Runnable> rounds) {
    Priming priming = new Priming(service, telemetry, rounds);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  /**
   * The line of metrics a request that counts something writes (a series made, its EMF rendered),
   * built and dropped: priming's requests are refused, and refusals count nothing.
   */
  public static void renderMetricsLine(String service, Telemetry telemetry) {
    Metrics metrics = telemetry.metrics(service);
    metrics.count("SnapStartPriming");
    metrics.toEmf(Instant.now(), Map.of("requestId", "snapstart-priming"));
  }

  /** Loads and initialises the named classes of the JDK; a name it does not have is skipped. */
  static int loadClasses(List<String> names) {
    int loaded = 0;
    for (String name : names) {
      try {
        Class.forName(name, true, null);
        loaded++;
      } catch (ClassNotFoundException | LinkageError e) {
        // another JDK's internals: the first request loads what it needs
      }
    }
    return loaded;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    run();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to undo: priming leaves no state behind but loaded classes.
  }

  /**
   * Loads {@link #KEEP_ALIVE_CLASSES}, builds the service's rounds and runs them {@link #ROUNDS}
   * times (fewer if they take longer than {@link #BUDGET_NANOS}), then writes one line saying so. A
   * failure (no network before the snapshot, say) is named in that line and never fails the
   * snapshot: priming only saves time.
   */
  public void run() {
    long start = System.nanoTime();
    int done = 0;
    Optional<String> failure = Optional.empty();
    try {
      loadClasses(KEEP_ALIVE_CLASSES);
      Runnable round = rounds.get();
      do {
        round.run();
        done++;
      } while (done < ROUNDS && System.nanoTime() - start < BUDGET_NANOS);
    } catch (RuntimeException e) {
      failure = Optional.of(e.getClass().getName());
    }
    telemetry
        .log(service, "snapstart")
        .info("snapstart priming")
        .with("durationMs", Math.round((System.nanoTime() - start) / 10_000.0) / 100.0)
        .with("rounds", done)
        .with("failure", failure.orElse(null))
        .write();
  }
}
