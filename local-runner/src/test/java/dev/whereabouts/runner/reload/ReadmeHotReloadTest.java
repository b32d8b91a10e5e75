package dev.whereabouts.runner.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's hot-reload steps, run as written on a copy of the project that, like a fresh clone,
 * has nothing built and no shared-lib in the local Maven repository: the documented jar rebuild
 * must work, and the runner started with the documented options must run a saved edit.
 */
class ReadmeHotReloadTest {
  private static final String PROFILE_HANDLER =
      "profile-service/src/main/java/dev/whereabouts/profile/ProfileHandler.java";
  private static final String RUNNER = "java -jar local-runner/target/local-runner.jar";

  @TempDir Path dir;

  @Test
  void theDocumentedStepsWorkOnACopyOfTheProject() throws Exception {
    List<String> steps = documentedSteps();
    String rebuild =
        steps.stream()
            .filter(s -> s.startsWith("mvn ") && s.contains(" -pl "))
            .findFirst()
            .orElseGet(() -> fail("the README's hot-reload block has no one-function mvn command"));
    String start =
        steps.stream()
            .filter(s -> s.startsWith(RUNNER))
            .findFirst()
            .orElseGet(() -> fail("the README's hot-reload block does not start the runner"));
    assertTrue(start.contains("--watch"), start);

    // The first documented command built every jar; the other functions' jars come from this
    // build, profile-service's from the documented one-function command, on an edited source.
    ProjectCopy project = ProjectCopy.of(dir, false);
    for (String module : List.of("auth-service", "location-service")) {
      Path jar = SuiteUnderTest.repositoryRoot().resolve(module + "/target/" + module + ".jar");
      Files.createDirectories(dir.resolve(module + "/target"));
      Files.copy(jar, dir.resolve(module + "/target/" + module + ".jar"));
    }
    project.edit(
        PROFILE_HANDLER, "\"No profile is stored for '", "\"Built by Maven: no profile for '");
    run(rebuild, dir);
    assertTrue(Files.isRegularFile(dir.resolve("profile-service/target/profile-service.jar")));

    try (project) {
      List<String> options = Arrays.asList(start.substring(RUNNER.length()).trim().split("\\s+"));
      project.start(options);
      String built = project.get("/profiles/nobody").body();
      assertTrue(built.contains("Built by Maven: no profile for 'nobody'"), built);

      int mark = project.console().length();
      project.edit(
          PROFILE_HANDLER, "\"Built by Maven: no profile for '", "\"Saved: no profile for '");
      project.awaitConsole(mark, "compiled profile-service");
      String saved = project.get("/profiles/nobody").body();
      assertTrue(saved.contains("Saved: no profile for 'nobody'"), saved);
    }
  }

  /** The command lines of the fenced block under the README's "## Hot reload". */
  private static List<String> documentedSteps() throws IOException {
    String readme =
        Files.readString(
            SuiteUnderTest.repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8);
    int section = readme.indexOf("\n## Hot reload\n");
    assertTrue(section >= 0, "README.md has a '## Hot reload' section");
    int open = readme.indexOf("```\n", section);
    int close = readme.indexOf("```", open + 4);
    List<String> steps = new ArrayList<>();
    for (String line : readme.substring(open + 4, close).split("\n")) {
      String command = line.replaceFirst("\\s+#.*$", "").trim();
      if (!command.isEmpty() && !command.startsWith("#")) {
        steps.add(command);
      }
    }
    return steps;
  }

  private static void run(String command, Path in) throws Exception {
    List<String> words = new ArrayList<>(Arrays.asList(command.split("\\s+")));
    Path output = Files.createTempFile("readme-step", ".log");
    Process p =
        new ProcessBuilder(words)
            .directory(in.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("'" + command + "' did not finish in 10 minutes");
    }
    String printed = Files.readString(output);
    Files.delete(output);
    assertEquals(
        0, p.exitValue(), "'" + command + "' failed on a copy of the project:\n" + printed);
  }
}
