package dev.whereabouts.shared.snapstart;

import dev.whereabouts.shared.log.Log;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SnapStart priming: before Lambda takes the snapshot of an initialised function, drive its main
 * path once with a synthetic request so that the classes of the first request (JSON in and out,
 * validation, the SDK's marshalling, signing and HTTP client, logging, metrics) are loaded and
 * initialised in the snapshot instead of on the first request after every restore.
 *
 * <p>Rules every priming action keeps (tested per function): it writes nothing (reads only keys
 * that cannot exist, {@link #ABSENT_KEY}), and nothing it does reaches the logs: its request lines
 * and metrics are discarded, and one line says that priming ran. Its reads ask for {@code
 * Connection: close} ({@link #readAbsentKey}), so no connection opened before the snapshot is left
 * in the JDK's keep-alive pool for a request after the restore to find dead (tested).
 *
 * <p>On a JVM without CRaC and outside SnapStart (tests, the local runner) registering does
 * nothing; {@link #run()} primes explicitly (the cold-start benchmark uses it).
 */
public final class Priming implements Resource {
  /** A key no user, profile, location or token can have: user ids start with [a-z0-9]. */
  public static final String ABSENT_KEY = "#snapstart-priming";

  private static final Object QUIET = new Object();

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
   * Reads {@link #ABSENT_KEY} from a table: the SDK's whole request path (marshalling, signing,
   * HTTP, unmarshalling), on a connection used once ({@code Connection: close}) so that it does not
   * outlive the snapshot in the pool.
   */
  public static void readAbsentKey(DynamoDbClient dynamoDb, String table, String keyName) {
    dynamoDb.getItem(
        r ->
            r.tableName(table)
                .key(Map.of(keyName, AttributeValue.fromS(ABSENT_KEY)))
                .consistentRead(true)
                .overrideConfiguration(o -> o.putHeader("Connection", "close")));
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
   * Runs the priming action once with the process's standard output discarded, then writes one line
   * saying so. A failing action (no network before the snapshot, say) is reported in that line and
   * never fails the snapshot: priming only saves time.
   */
  public void run() {
    long start = System.nanoTime();
    String failure = null;
    synchronized (QUIET) {
      PrintStream out = System.out;
      System.setOut(
          new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
      try {
        action.run();
      } catch (RuntimeException e) {
        failure = e.getClass().getName();
      } finally {
        System.setOut(out);
      }
    }
    new Log(service, "snapstart")
        .info("snapstart priming")
        .with("durationMs", Math.round((System.nanoTime() - start) / 10_000.0) / 100.0)
        .with("failure", failure)
        .write();
  }
}
