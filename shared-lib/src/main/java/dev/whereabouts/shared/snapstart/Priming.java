package dev.whereabouts.shared.snapstart;

import dev.whereabouts.shared.log.Log;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda takes the snapshot of an initialised function, drive its main
 * path with synthetic requests, {@link #ROUNDS} times, so that the classes of the first request
 * (JSON in and out, validation, the SDK's marshalling, signing and HTTP client, logging, metrics)
 * are loaded and initialised, and their hot methods compiled, in the snapshot instead of on the
 * first request after every restore.
 *
 * <p>Rules every priming action keeps (tested per function): it writes nothing (reads only keys
 * that cannot exist, {@link #ABSENT_KEY}), and nothing it does reaches the logs: its request lines
 * and metrics are discarded, and one line says that priming ran. While it runs ({@link #running()})
 * every DynamoDB call asks for {@code Connection: close} ({@code store.Aws} adds the header), so no
 * connection opened before the snapshot is left in the JDK's keep-alive pool for a request after
 * the restore to find dead (tested); the JDK classes that only a kept-alive connection loads are
 * loaded by name instead ({@link #KEEP_ALIVE_CLASSES}).
 *
 * <p>On a JVM without CRaC and outside SnapStart (tests, the local runner) registering does
 * nothing; {@link #run()} primes explicitly (the cold-start benchmark uses it).
 */
public final class Priming implements Resource {
  /** A key no user, profile, location or token can have: user ids start with [a-z0-9]. */
  public static final String ABSENT_KEY = "#snapstart-priming";

  private static final Object QUIET = new Object();

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

  /**
   * True while a priming action runs: its DynamoDB calls then ask for {@code Connection: close}.
   */
  private static volatile boolean running;

  private final String service;
  private final Runnable action;

  private Priming(String service, Runnable action) {
    this.service = service;
    this.action = action;
  }

  /**
   * Registers a priming action with the CRaC global context. The caller must keep the returned
   * object: the context holds its resources weakly.
   */
  public static Priming register(String service, Runnable action) {
    Priming priming = new Priming(service, action);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  /**
   * True while priming runs: a DynamoDB call then asks for {@code Connection: close} ({@code
   * store.Aws} adds it), so that no connection priming opened is pooled into the snapshot.
   */
  public static boolean running() {
    return running;
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
   * Runs the priming action {@link #ROUNDS} times (fewer if they take longer than {@link
   * #BUDGET_NANOS}) with the process's standard output discarded, after loading {@link
   * #KEEP_ALIVE_CLASSES}, then writes one line saying so. A failing action (no network before the
   * snapshot, say) is reported in that line and never fails the snapshot: priming only saves time.
   */
  public void run() {
    long start = System.nanoTime();
    int rounds = 0;
    String failure = null;
    synchronized (QUIET) {
      PrintStream out = System.out;
      System.setOut(
          new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
      running = true;
      try {
        loadClasses(KEEP_ALIVE_CLASSES);
        do {
          action.run();
          rounds++;
        } while (rounds < ROUNDS && System.nanoTime() - start < BUDGET_NANOS);
      } catch (RuntimeException e) {
        failure = e.getClass().getName();
      } finally {
        running = false;
        System.setOut(out);
      }
    }
    new Log(service, "snapstart")
        .info("snapstart priming")
        .with("durationMs", Math.round((System.nanoTime() - start) / 10_000.0) / 100.0)
        .with("rounds", rounds)
        .with("failure", failure)
        .write();
  }
}
