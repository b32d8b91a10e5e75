package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The templates pass cfn-lint, its informational rules included, and the OpenAPI document its
 * validator. These are Python tools: on a machine without them the test says how to get them and is
 * skipped; in CI ({@code CI=true}) a missing tool fails.
 */
class TemplateLintTest {
  static final String INSTALL = "python3 -m pip install -r deploy/python-tools.txt";

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "cfn-lint, template.yaml",
    "cfn-lint, pipeline.yaml",
    "openapi-spec-validator, openapi.yaml"
  })
  void passes(String tool, String file) throws Exception {
    String executable = find(tool);
    if (executable == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(tool + " is not installed: " + INSTALL);
      }
      assumeTrue(false, tool + " is not installed, so " + file + " was not checked: " + INSTALL);
    }
    Path root = SuiteUnderTest.repositoryRoot();
    List<String> command = new ArrayList<>(List.of(executable));
    if (tool.equals("cfn-lint")) {
      command.addAll(List.of("--include-checks", "I", "--"));
    }
    command.add(file);
    Process p =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(tool + " " + file + " did not finish in 120 s");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), tool + " " + file + ":\n" + output);
  }

  private static String find(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, tool);
      if (f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }
}
