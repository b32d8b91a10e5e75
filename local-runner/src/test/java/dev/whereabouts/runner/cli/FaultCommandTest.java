package dev.whereabouts.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar local-runner.jar fault …} against a running runner (the shared one, whose engine
 * keeps its data in memory). The engine restart itself is proven under load by {@code
 * ReliabilityEngineRestartTest}, on a runner with a data folder.
 */
class FaultCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void liftEveryFault() {
    run("--clear");
  }

  @Test
  void setsAndListsATableFault() throws Exception {
    String table = anyTable();
    assertEquals(0, run("--table", table, "--throttle-rate", "0.5"), err());
    JsonNode listed = listed();
    assertEquals(0.5, listed.path("tables").path(table).path("throttleRate").asDouble());
  }

  @Test
  void refusesToStopAnEngineThatKeepsItsDataInMemoryAndSaysWhatToDo() throws Exception {
    assertEquals(2, run("--engine", "stop"));
    assertTrue(err().contains("--data-dir"), err());
    JsonNode engine = listed().path("engine");
    assertTrue(engine.path("running").asBoolean(), engine.toString());
    assertEquals(false, engine.path("restartable").asBoolean(true), engine.toString());
  }

  @Test
  void refusesAnEngineStateItDoesNotKnow() {
    assertEquals(2, run("--engine", "pause"));
    assertTrue(err().contains("--engine takes stop or start"), err());
  }

  @Test
  void refusesToStartAnEngineThatRuns() {
    assertEquals(2, run("--engine", "start"));
    assertTrue(err().contains("the engine is running"), err());
  }

  private static LocalRunner runner() {
    return SuiteUnderTest.localRunner();
  }

  private JsonNode listed() throws Exception {
    out.reset();
    assertEquals(0, run("--list"), err());
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  private String anyTable() throws Exception {
    return listed().path("tables").fieldNames().next();
  }

  private int run(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "fault";
    all[1] = "--url";
    all[2] = runner().baseUrl();
    System.arraycopy(args, 0, all, 3, args.length);
    err.reset();
    return FaultCommand.run(
        all,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
