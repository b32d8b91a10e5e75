package dev.whereabouts.runner.acceptance;

import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.reliability.Transcript;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The suite the acceptance tests talk to: {@code WHEREABOUTS_BASE_URL} (or the system property
 * {@code whereabouts.baseUrl}) when set — a deployed stage, say — else the local runner, started
 * once per JVM from the repository's template.yaml on a free loopback port.
 */
public final class SuiteUnderTest {
  private static String baseUrl;
  private static LocalRunner runner;

  private SuiteUnderTest() {}

  /** The base URL, without a trailing slash. */
  public static synchronized String baseUrl() {
    if (baseUrl != null) {
      return baseUrl;
    }
    String configured =
        System.getProperty("whereabouts.baseUrl", System.getenv("WHEREABOUTS_BASE_URL"));
    if (configured != null && !configured.isBlank()) {
      baseUrl =
          configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
      return baseUrl;
    }
    runner = startLocal();
    baseUrl = runner.baseUrl();
    return baseUrl;
  }

  /** The local runner, when the tests started one (fidelity tests need it). */
  public static synchronized LocalRunner localRunner() {
    baseUrl();
    return runner;
  }

  /** The repository root (where template.yaml is). */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("template.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "template.yaml not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static LocalRunner startLocal() {
    try {
      RunnerOptions options =
          RunnerOptions.parse(
              new String[] {
                "--template",
                repositoryRoot().resolve("template.yaml").toString(),
                "--port",
                "0",
                "--no-color"
              });
      // Every line the runner and the functions print also goes to the transcript, which the
      // reliability suites scan for secrets and follow request ids through.
      LocalRunner local = LocalRunner.create(options, Transcript.tee(System.out));
      local.start();
      Runtime.getRuntime().addShutdownHook(new Thread(local::close));
      return local;
    } catch (Exception e) {
      throw new IllegalStateException("the local runner did not start: " + e.getMessage(), e);
    }
  }
}
