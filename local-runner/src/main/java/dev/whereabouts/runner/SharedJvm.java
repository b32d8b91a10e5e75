package dev.whereabouts.runner;

import dev.whereabouts.runner.console.Console;
import dev.whereabouts.runner.lambda.TraceHeader;

/**
 * Everything the runner changes for the whole JVM, in one list (decision 0004). On Lambda every
 * execution environment is a JVM of its own; here many environments, of several functions and
 * sometimes of several runners (tests), share one, so state Lambda gives each environment is made
 * per thread or per runner here:
 *
 * <ol>
 *   <li><b>{@code System.out} and {@code System.err}</b> are replaced, once per JVM, by a stream
 *       that routes each line by the writing thread's function ({@link Console#install()}); {@code
 *       invoke} puts the originals back when it ends.
 *   <li><b>An inheritable thread-local</b> names that function ({@link Console#as}): threads a
 *       handler starts inherit it, so their lines stay with their function.
 *   <li><b>{@code System.getProperties()}</b> is replaced, once per JVM, by properties that answer
 *       {@value TraceHeader#PROPERTY} from the calling thread's trace header ({@link
 *       TraceHeader#installProperty()}): the Lambda runtime sets that property per invocation,
 *       which one process-wide value cannot do for concurrent environments.
 *   <li><b>{@code http.maxConnections}</b> is raised ({@link #keepConnectionsAlive()}), unless set.
 * </ol>
 *
 * <p>Environment variables are not among them: handlers take theirs as a {@code Map} (0004).
 */
public final class SharedJvm {
  /** The idle connections per destination the JDK's URLConnection keep-alive cache keeps. */
  static final int MAX_IDLE_CONNECTIONS_PER_DESTINATION = 1000;

  private SharedJvm() {}

  /**
   * Lets the JDK's URLConnection keep-alive cache hold {@value
   * #MAX_IDLE_CONNECTIONS_PER_DESTINATION} idle connections per destination instead of 5. On Lambda
   * each environment's JVM has a cache of its own that keeps its connection to DynamoDB (and the
   * profile's to the API); here all environments share one, and with 32 environments most calls
   * would connect anew. The JDK reads the property once, when the cache is first used: call this
   * before anything opens a connection. A value the user set is kept.
   */
  public static void keepConnectionsAlive() {
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty(
          "http.maxConnections", Integer.toString(MAX_IDLE_CONNECTIONS_PER_DESTINATION));
    }
  }
}
