package dev.whereabouts.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pinned dynalite, installed once per machine by {@code npm ci} from the {@code package.json}
 * and {@code package-lock.json} this jar carries, into a folder of its own named after the lock
 * file's hash: a new pin installs beside the old one, never over it. Concurrent JVMs (a test run
 * beside a runner) take turns through a file lock; a half-finished install is never used.
 */
final class Installation {
  /** Where dynalite lives; {@code WHEREABOUTS_ENGINE_HOME} moves it (a shared cache, a CI disk). */
  static final String HOME_VARIABLE = "WHEREABOUTS_ENGINE_HOME";

  static final int MINIMUM_NODE_MAJOR = 20;
  private static final String[] FILES = {"package.json", "package-lock.json", "engine.js"};
  private static final String COMPLETE_MARKER = ".installed";
  private static final long NPM_TIMEOUT_SECONDS = 300;
  private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");

  private Installation() {}

  /** The dynalite version the lock file pins, for messages. */
  static String pinnedVersion() {
    Matcher m =
        Pattern.compile("\"node_modules/dynalite\":\\s*\\{\\s*\"version\":\\s*\"([^\"]+)\"")
            .matcher(resource("package-lock.json"));
    return m.find() ? m.group(1) : "unknown";
  }

  /**
   * Checks Node.js and returns the folder holding {@code engine.js} and its {@code node_modules},
   * installing it first if needed.
   *
   * @param progress told, in one line, when an install starts (the only slow step)
   * @throws EngineException with one line saying what to do when Node.js or npm is missing, too
   *     old, or the install fails
   */
  static synchronized Path ensureInstalled(Consumer<String> progress) {
    requireNode();
    Path home = home();
    Path target = home.resolve("dynalite-" + pinnedVersion() + "-" + lockHash());
    if (Files.exists(target.resolve(COMPLETE_MARKER))) {
      return target;
    }
    try {
      Files.createDirectories(home);
      try (FileChannel lockFile =
              FileChannel.open(
                  home.resolve(".install.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
          return target; // another JVM finished it while this one waited
        }
        progress.accept(
            "installing the DynamoDB engine (dynalite "
                + pinnedVersion()
                + ", pinned) with npm ci into "
                + target
                + ", once per machine…");
        install(home, target);
        return target;
      }
    } catch (IOException e) {
      throw new EngineException("could not install dynalite into " + home + ": " + e.getMessage());
    }
  }

  private static void install(Path home, Path target) throws IOException {
    Path staging = Files.createTempDirectory(home, ".staging-");
    try {
      for (String file : FILES) {
        Files.writeString(staging.resolve(file), resource(file), StandardCharsets.UTF_8);
      }
      // --ignore-scripts: dynalite's native LevelDB binding ships prebuilt binaries and finds them
      // at load time, so no install script (and no compiler) is needed.
      List<String> command =
          List.of(
              "npm",
              "ci",
              "--omit=dev",
              "--ignore-scripts",
              "--no-audit",
              "--no-fund",
              "--loglevel=error");
      String output = run(command, staging, NPM_TIMEOUT_SECONDS);
      if (output != null) {
        throw new EngineException(
            "npm ci for dynalite failed (is the npm registry reachable?): " + lastLines(output, 6));
      }
      Files.writeString(staging.resolve(COMPLETE_MARKER), pinnedVersion());
      deleteRecursively(target); // a leftover without its marker
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
    } finally {
      deleteRecursively(staging);
    }
  }

  /**
   * Fails with one line when {@code node} is missing or older than {@value #MINIMUM_NODE_MAJOR}.
   */
  static void requireNode() {
    String version;
    try {
      Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      node.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new EngineException(
          "the local DynamoDB engine (dynalite) needs Node.js "
              + MINIMUM_NODE_MAJOR
              + " or newer, and `node` is not on the PATH: install Node.js "
              + MINIMUM_NODE_MAJOR
              + "+ (with npm) from https://nodejs.org or your package manager");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while checking Node.js");
    }
    Matcher m = NODE_VERSION.matcher(version);
    if (!m.find() || Integer.parseInt(m.group(1)) < MINIMUM_NODE_MAJOR) {
      throw new EngineException(
          "the local DynamoDB engine (dynalite) needs Node.js "
              + MINIMUM_NODE_MAJOR
              + " or newer, found "
              + (version.isEmpty() ? "an unknown version" : version)
              + ": install Node.js "
              + MINIMUM_NODE_MAJOR
              + "+ from https://nodejs.org or your package manager");
    }
  }

  static Path home() {
    String configured = System.getenv(HOME_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("whereabouts").resolve("dynamodb-engine");
  }

  /** The first 12 hex digits of the lock file's SHA-256, and the wrapper's: what is installed. */
  private static String lockHash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(resource("package-lock.json").getBytes(StandardCharsets.UTF_8));
      sha.update(resource("engine.js").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String resource(String name) {
    try (InputStream in = Installation.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the engine's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command}; null when it succeeded, else what it printed. */
  private static String run(List<String> command, Path dir, long timeoutSeconds)
      throws IOException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "timed out after " + timeoutSeconds + " s";
      }
      return process.exitValue() == 0 ? null : new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String lastLines(String text, int count) {
    List<String> lines = new ArrayList<>(text.strip().lines().toList());
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
