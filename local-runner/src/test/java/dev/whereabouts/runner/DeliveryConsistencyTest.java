package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.template.CloudFormationYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What CI, the pipeline and the README say must agree. */
class DeliveryConsistencyTest {
  private static final Path ROOT = SuiteUnderTest.repositoryRoot();

  private static Object yaml(String file) throws Exception {
    return new Yaml(new CloudFormationYaml()).load(Files.readString(ROOT.resolve(file)));
  }

  /** The README's test command: the `mvn … verify` in its table of the two commands. */
  private static String readmeTestCommand() throws Exception {
    Matcher m =
        Pattern.compile("\\| run the tests \\| `([^`]+)` \\|")
            .matcher(Files.readString(ROOT.resolve("README.md")));
    assertTrue(m.find(), "README.md states the test command in its table");
    return m.group(1);
  }

  @Test
  void theBuildspecRunsTheReadmesTestCommand() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) yaml("buildspec.yml");
    @SuppressWarnings("unchecked")
    List<Object> commands =
        (List<Object>)
            ((Map<String, Object>) ((Map<String, Object>) spec.get("phases")).get("build"))
                .get("commands");
    assertTrue(commands.contains(readmeTestCommand()), "buildspec.yml build commands: " + commands);
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws Exception {
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    String command = readmeTestCommand();
    assertTrue(ci.lines().anyMatch(l -> l.strip().equals(command)), ".ci/run runs " + command);
  }

  @Test
  void everyStackOutputThePipelineReadsExistsInTheTemplate() throws Exception {
    Set<String> read = new LinkedHashSet<>();
    Pattern outputKey = Pattern.compile("OutputKey=='([A-Za-z0-9]+)'");
    for (String file : List.of("buildspec.yml", "buildspec-acceptance.yml", "pipeline.yaml")) {
      Matcher m = outputKey.matcher(Files.readString(ROOT.resolve(file)));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    assertFalse(read.isEmpty(), "the acceptance stage reads the API URL from the stack outputs");
    @SuppressWarnings("unchecked")
    Map<String, Object> outputs =
        (Map<String, Object>) ((Map<String, Object>) yaml("template.yaml")).get("Outputs");
    List<String> missing = new ArrayList<>();
    for (String key : read) {
      if (!outputs.containsKey(key)) {
        missing.add(key);
      }
    }
    assertEquals(List.of(), missing, "outputs the pipeline reads but template.yaml lacks");
  }

  @Test
  void everyParameterThePipelinePassesExistsInTheTemplate() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> parameters =
        (Map<String, Object>) ((Map<String, Object>) yaml("template.yaml")).get("Parameters");
    Matcher m =
        Pattern.compile("ParameterOverrides: (?:!Sub )?'\\{([^']*)\\}'")
            .matcher(Files.readString(ROOT.resolve("pipeline.yaml")));
    int seen = 0;
    while (m.find()) {
      Matcher name = Pattern.compile("\"([A-Za-z0-9]+)\"\\s*:").matcher(m.group(1));
      while (name.find()) {
        seen++;
        assertTrue(
            parameters.containsKey(name.group(1)),
            "template.yaml has no parameter " + name.group(1));
      }
    }
    assertTrue(seen > 0);
  }
}
