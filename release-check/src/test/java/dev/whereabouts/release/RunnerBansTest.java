package dev.whereabouts.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parent's bans (DynamoDB Local, Netty/Apache HTTP clients, dependency convergence) hold in the
 * runner too: its POM, copied beside the parent's with a banned coordinate added, fails the build's
 * first phase; the unchanged copy passes it, so the failure is the ban's.
 */
class RunnerBansTest {
  private static final String BANNED =
      """
          <dependency>
            <groupId>com.amazonaws</groupId>
            <artifactId>DynamoDBLocal</artifactId>
            <version>0-banned-by-the-parent</version>
          </dependency>
      """;

  @TempDir Path copy;

  @Test
  void dynamoDbLocalAddedToTheRunnerFailsTheBuild() throws Exception {
    Path runner = runnerCopy(true);

    Result result = validate(runner);

    assertNotEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("BannedDependencies failed"), result.output());
    assertTrue(
        result.output().contains("com.amazonaws:DynamoDBLocal:jar:0-banned-by-the-parent"),
        result.output());
  }

  @Test
  void theRunnerAsItIsPassesTheSameCheck() throws Exception {
    Path runner = runnerCopy(false);

    Result result = validate(runner);

    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("BannedDependencies passed"), result.output());
  }

  private Path runnerCopy(boolean withBannedDependency) throws IOException {
    Files.copy(ShippedJar.ROOT.resolve("pom.xml"), copy.resolve("pom.xml"));
    Path runner = Files.createDirectories(copy.resolve("local-runner"));
    String pom = Files.readString(ShippedJar.ROOT.resolve("local-runner/pom.xml"));
    String marker = "</dependencyManagement>\n\n  <dependencies>\n";
    assertTrue(pom.contains(marker), "the runner's POM has its own dependencies after management");
    if (withBannedDependency) {
      pom = pom.replace(marker, marker + BANNED);
    }
    Files.writeString(runner.resolve("pom.xml"), pom);
    return runner;
  }

  private record Result(int exit, String output) {}

  /** Maven's validate phase (where the enforcer runs), offline, with the build's own Maven. */
  private static Result validate(Path project) throws Exception {
    String home = System.getProperty("whereabouts.mavenHome");
    assertTrue(home != null && !home.isBlank(), "run through Maven (whereabouts.mavenHome)");
    List<String> command = new ArrayList<>(List.of(Path.of(home, "bin", "mvn").toString()));
    command.addAll(List.of("-B", "-o", "-f", project.resolve("pom.xml").toString(), "validate"));
    String repo = System.getProperty("whereabouts.localRepository");
    if (repo != null) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    Path log = Files.createTempFile(project, "maven", ".log");
    Process maven =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(project.toFile())
            .start();
    assertTrue(maven.waitFor(5, TimeUnit.MINUTES), "Maven finished within 5 minutes");
    return new Result(maven.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
