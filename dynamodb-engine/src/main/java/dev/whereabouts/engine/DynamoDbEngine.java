package dev.whereabouts.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local DynamoDB engine: dynalite (open source, pinned), run by Node.js as a child process on a
 * free loopback port, in memory or on disk. The runner, every test JVM and the benchmarks start it
 * through this class and hand {@link #endpoint()} to the functions as {@code
 * AWS_ENDPOINT_URL_DYNAMODB}.
 *
 * <p>The child never outlives this JVM: it exits when its standard input closes, which the
 * operating system does for it when this process ends in any way, {@code kill -9} included. A
 * shutdown hook stops it in order on a normal exit or Ctrl-C.
 */
public final class DynamoDbEngine implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern ANNOUNCED_PORT = Pattern.compile("^\\{\"port\":(\\d+)}$");

  private final Process process;
  private final OutputStream lifeline;
  private final URI endpoint;
  private final Optional<Path> dataDir;
  private final Thread shutdownHook;

  private DynamoDbEngine(Process process, URI endpoint, Optional<Path> dataDir) {
    this.process = process;
    this.lifeline = process.getOutputStream();
    this.endpoint = endpoint;
    this.dataDir = dataDir;
    this.shutdownHook = new Thread(this::stop, "dynamodb-engine-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Installs dynalite if this machine has not got the pinned version yet, starts it and waits until
   * it listens.
   *
   * @param dataDir where to keep the data (a LevelDB folder, created if missing), or empty for
   *     in-memory
   * @param progress one-line messages about slow steps (the first install)
   * @param engineLog what the engine itself prints on its standard error, line by line
   * @throws EngineException with a one-line reason when Node.js is missing or too old, the install
   *     fails, or the engine does not come up
   */
  public static DynamoDbEngine start(
      Optional<Path> dataDir, Consumer<String> progress, Consumer<String> engineLog) {
    return start(dataDir, 0, progress, engineLog);
  }

  /**
   * As {@link #start(Optional, Consumer, Consumer)}, on a given loopback port: a restarted engine
   * takes its predecessor's port, so whoever holds the endpoint reaches it again without being
   * told.
   *
   * @param port the port, or 0 for one the operating system picks
   */
  public static DynamoDbEngine start(
      Optional<Path> dataDir, int port, Consumer<String> progress, Consumer<String> engineLog) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("no port " + port);
    }
    Path installed = Installation.ensureInstalled(progress);
    List<String> command = new ArrayList<>(List.of("node", "engine.js"));
    if (port != 0) {
      command.addAll(List.of("--port", Integer.toString(port)));
    }
    if (dataDir.isPresent()) {
      try {
        Files.createDirectories(dataDir.get());
      } catch (IOException e) {
        throw new EngineException("cannot create the data folder " + dataDir.get() + ": " + e);
      }
      command.addAll(List.of("--path", dataDir.get().toAbsolutePath().toString()));
    }
    Process process;
    try {
      process = new ProcessBuilder(command).directory(installed.toFile()).start();
    } catch (IOException e) {
      throw new EngineException("could not start dynalite with node: " + e.getMessage());
    }
    forwardLines(process, engineLog);
    try {
      int listening = awaitPort(process);
      return new DynamoDbEngine(process, URI.create("http://127.0.0.1:" + listening), dataDir);
    } catch (EngineException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** In memory, with progress and the engine's own lines on standard error. */
  public static DynamoDbEngine startInMemory() {
    return start(Optional.empty(), System.err::println, line -> System.err.println(line));
  }

  private static int awaitPort(Process process) {
    CompletableFuture<String> firstLine =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
              } catch (IOException e) {
                return null;
              }
            });
    String line;
    try {
      line = firstLine.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new EngineException(
          "dynalite did not listen within " + START_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while starting dynalite");
    } catch (ExecutionException e) {
      line = null;
    }
    if (line == null) {
      throw new EngineException(
          "dynalite exited at start (exit code " + exitCode(process) + "); see its lines above");
    }
    Matcher announced = ANNOUNCED_PORT.matcher(line.strip());
    if (!announced.matches()) {
      throw new EngineException("dynalite announced something unexpected: " + line);
    }
    return Integer.parseInt(announced.group(1));
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static void forwardLines(Process process, Consumer<String> sink) {
    Thread forwarder =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException ignored) {
                // the engine is gone; its exit is reported where it matters
              }
            },
            "dynamodb-engine-stderr");
    forwarder.setDaemon(true);
    forwarder.start();
  }

  /** The endpoint URL, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The engine process's id (for tests that prove it ends with its parent). */
  public long pid() {
    return process.pid();
  }

  /** Whether the engine process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** One line for the operator: which engine, where it listens, where its data lives. */
  public String describe() {
    return "DynamoDB engine: dynalite "
        + Installation.pinnedVersion()
        + " on "
        + endpoint
        + dataDir.map(d -> ", data in " + d.toAbsolutePath()).orElse(", in memory");
  }

  /**
   * Kills the engine at once ({@code SIGKILL}), as a crash would: requests in flight get no answer
   * and nothing is flushed beyond what the engine wrote before acknowledging. For fault injection;
   * {@link #close()} is the orderly stop.
   */
  public void kill() {
    try {
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** Stops the engine: closes its lifeline, then waits, then kills it if it hangs. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or ran: nothing left to remove
    }
  }

  private synchronized void stop() {
    if (!process.isAlive()) {
      return;
    }
    try {
      lifeline.close();
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the engine until this process is stopped, printing its endpoint on the first line: for
   * scripts (the benchmarks). Usage: {@code DynamoDbEngine [--data-dir DIR]}.
   */
  public static void main(String[] args) throws InterruptedException {
    Optional<Path> dataDir = Optional.empty();
    if (args.length == 2 && args[0].equals("--data-dir")) {
      dataDir = Optional.of(Path.of(args[1]));
    } else if (args.length != 0) {
      System.err.println("usage: DynamoDbEngine [--data-dir DIR]");
      System.exit(2);
    }
    DynamoDbEngine engine;
    try {
      engine = start(dataDir, System.err::println, System.err::println);
    } catch (EngineException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println(engine.endpoint());
    System.out.flush();
    engine.process.waitFor();
  }
}
