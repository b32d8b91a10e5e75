package dev.whereabouts.runner.dynamodb;

import dev.whereabouts.engine.DynamoDbEngine;
import dev.whereabouts.engine.EngineException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The runner's own DynamoDB engine, which a fault can kill and bring back: killed at once, as a
 * crashing storage node would be, and restarted on the same port with the same data folder, so the
 * tap, the TTL sweeper and the runner's table client find it again without being told. An engine
 * that keeps its data in memory cannot be killed this way: its restart would lose every item, which
 * is not a fault any client could survive.
 */
public final class RestartableEngine implements AutoCloseable {
  private final Optional<Path> dataDir;
  private final Consumer<String> progress;
  private final Consumer<String> engineLog;
  private final URI endpoint;
  private DynamoDbEngine current;
  private boolean closed;

  private RestartableEngine(
      DynamoDbEngine first,
      Optional<Path> dataDir,
      Consumer<String> progress,
      Consumer<String> engineLog) {
    this.current = first;
    this.dataDir = dataDir;
    this.progress = progress;
    this.engineLog = engineLog;
    this.endpoint = first.endpoint();
  }

  /**
   * Starts the engine (see {@link DynamoDbEngine#start}).
   *
   * @throws EngineException with a one-line reason when it cannot start
   */
  public static RestartableEngine start(
      Optional<Path> dataDir, Consumer<String> progress, Consumer<String> engineLog) {
    return new RestartableEngine(
        DynamoDbEngine.start(dataDir, progress, engineLog), dataDir, progress, engineLog);
  }

  /** The endpoint, the same before and after a restart. */
  public URI endpoint() {
    return endpoint;
  }

  /** One line for the operator: which engine, where it listens, where its data lives. */
  public synchronized String describe() {
    return current.describe();
  }

  /** Whether the engine runs now. */
  public synchronized boolean running() {
    return !closed && current.isAlive();
  }

  /** Whether {@link #kill()} may be used: only when the data outlives the process. */
  public boolean restartable() {
    return dataDir.isPresent();
  }

  /**
   * Kills the engine at once: requests in flight get no answer, new ones find nothing listening.
   *
   * @throws IllegalStateException when the data is in memory, or the engine is already stopped
   */
  public synchronized void kill() {
    if (!restartable()) {
      throw new IllegalStateException(
          "the engine keeps its data in memory, so a restart would lose every item; start the"
              + " runner with --data-dir DIR to stop and restart it");
    }
    if (!running()) {
      throw new IllegalStateException("the engine is already stopped");
    }
    current.kill();
  }

  /**
   * Starts the engine again on its port with its data folder.
   *
   * @throws IllegalStateException when it runs already, or cannot start (the reason in one line)
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("the runner is stopping");
    }
    if (current.isAlive()) {
      throw new IllegalStateException("the engine is running");
    }
    try {
      current = DynamoDbEngine.start(dataDir, endpoint.getPort(), progress, engineLog);
    } catch (EngineException e) {
      throw new IllegalStateException("the engine did not start again: " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    current.close();
  }
}
