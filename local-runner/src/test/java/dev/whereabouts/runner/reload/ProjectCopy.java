package dev.whereabouts.runner.reload;

import static org.junit.jupiter.api.Assertions.fail;

import dev.whereabouts.runner.Eventually;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of this repository's sources (no {@code target/}, no {@code .git}) to edit in tests, and a
 * runner started on it with the console captured.
 */
final class ProjectCopy implements AutoCloseable {
  static final List<String> FUNCTION_MODULES =
      List.of("auth-service", "location-service", "profile-service");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path root;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private LocalRunner runner;

  private ProjectCopy(Path root) {
    this.root = root;
  }

  /** Copies the sources into {@code into}; with {@code jars}, the functions' built jars too. */
  static ProjectCopy of(Path into, boolean jars) throws IOException {
    Path repository = SuiteUnderTest.repositoryRoot();
    try (Stream<Path> files = Files.walk(repository)) {
      for (Path p : files.toList()) {
        Path relative = repository.relativize(p);
        if (relative.toString().isEmpty() || skipped(relative)) {
          continue;
        }
        Path target = into.resolve(relative.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    if (jars) {
      // After the sources, so every jar is newer than them, as after `mvn package`.
      for (String module : FUNCTION_MODULES) {
        Path jar = repository.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
          fail(jar + " is missing: build the functions first (mvn -B -q package -DskipTests)");
        }
        Files.createDirectories(into.resolve(module).resolve("target"));
        Files.copy(jar, into.resolve(module).resolve("target").resolve(module + ".jar"));
      }
    }
    return new ProjectCopy(into);
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.equals("target") || name.equals(".git") || name.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  /** Starts the runner on the copy's template.yaml with these options (and a free port). */
  LocalRunner start(List<String> options) throws Exception {
    List<String> args = new ArrayList<>(options);
    args.addAll(
        List.of(
            "--template", root.resolve("template.yaml").toString(), "--port", "0", "--no-color"));
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (console) {
              console.write(b);
            }
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (console) {
              console.write(b, off, len);
            }
          }
        };
    runner =
        LocalRunner.create(
            RunnerOptions.parse(args.toArray(String[]::new)),
            new PrintStream(both, true, StandardCharsets.UTF_8));
    runner.start();
    return runner;
  }

  /** Everything the runner printed so far. */
  String console() {
    synchronized (console) {
      return console.toString(StandardCharsets.UTF_8);
    }
  }

  /** Replaces text in a file of the copy; fails when the text is not there. */
  void edit(String file, String from, String to) throws IOException {
    Path path = root.resolve(file);
    String text = Files.readString(path);
    if (!text.contains(from)) {
      fail(file + " no longer contains: " + from);
    }
    Files.writeString(path, text.replace(from, to));
  }

  /**
   * Waits until the runner prints a line containing {@code text} after {@code mark} (a length of
   * {@link #console()}), and returns everything printed since the mark.
   */
  String awaitConsole(int mark, String text) throws Exception {
    String since =
        Eventually.await(
            Duration.ofSeconds(60), () -> console().substring(mark), s -> s.contains(text));
    if (since.contains(text)) {
      return since;
    }
    return fail("the runner did not print '" + text + "' within 60 s; it printed:\n" + console());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    if (runner != null) {
      runner.close();
    }
  }
}
