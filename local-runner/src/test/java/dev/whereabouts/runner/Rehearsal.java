package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.template.CloudFormationYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/**
 * The deploy rehearsal's artefacts (deploy/rehearse.py), produced once per test JVM for the tests
 * that judge them: each parameter set's template as its stack would hold it ({@code
 * <set>.resolved.json}) and the version ids of {@code versions.json}. Without Python and the pinned
 * tools the tests are skipped with an install hint; under {@code CI=true} they fail.
 */
final class Rehearsal {
  static final Path ROOT = SuiteUnderTest.repositoryRoot();
  private static final Path OUT = ROOT.resolve("local-runner/target/rehearsal-views");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static boolean done;

  private Rehearsal() {}

  /** Runs deploy/rehearse.py unless this JVM already did. */
  static synchronized Path output() throws Exception {
    if (!done) {
      String python = DeployRehearsalTest.find("python3");
      boolean ready = python != null;
      if (ready) {
        Process check =
            new ProcessBuilder(python, "-c", "import samtranslator, yaml")
                .redirectErrorStream(true)
                .start();
        ready = check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
      }
      if (!ready) {
        String message =
            "python3 with aws-sam-translator is needed to rehearse the deploy: "
                + DeployRehearsalTest.INSTALL;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          fail(message);
        }
        assumeTrue(false, message);
      }
      Process p =
          new ProcessBuilder(python, "deploy/rehearse.py", ".", OUT.toString())
              .directory(ROOT.toFile())
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("rehearse.py did not finish in 300 s");
      }
      assertEquals(0, p.exitValue(), "rehearse.py:\n" + text);
      done = true;
    }
    return OUT;
  }

  /** A parameter set's template as its stack holds it: {StackName, Parameters, Resources}. */
  static Map<String, Object> resolved(String set) throws Exception {
    return json(output().resolve(set + ".resolved.json"));
  }

  static Map<String, Object> json(Path file) throws Exception {
    return map(JSON.readValue(file.toFile(), Map.class));
  }

  static Map<String, Object> yaml(String file) throws Exception {
    return map(new Yaml(new CloudFormationYaml()).load(Files.readString(ROOT.resolve(file))));
  }

  static List<String> sets() {
    return List.of("staging", "production");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  static Map<String, Object> resources(Map<String, Object> template) {
    return map(template.get("Resources"));
  }

  static Map<String, Object> props(Map<String, Object> template, String id) {
    return map(map(resources(template).get(id)).getOrDefault("Properties", Map.of()));
  }
}
