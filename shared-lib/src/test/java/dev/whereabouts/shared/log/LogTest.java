package dev.whereabouts.shared.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.shared.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The log's level threshold (AWS_LAMBDA_LOG_LEVEL) and the invocation's trace id. */
class LogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> written(Runnable logging) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      logging.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static Log.Level level(String awsLambdaLogLevel) {
    return Log.Level.of(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", awsLambdaLogLevel)));
  }

  /** The messages a log at {@code threshold} writes of one line at each level. */
  private static List<String> everyLevel(Log.Level threshold) {
    List<String> lines = new ArrayList<>();
    Log log = new Log("test", "TestFunction", lines::add, threshold);
    log.debug("d").write();
    log.info("i").write();
    log.warn("w").write();
    log.error("e").write();
    return messages(lines);
  }

  @Test
  void withoutAwsLambdaLogLevelInfoAndAboveAreWrittenAsLambdasDefault() {
    Log.Level unset = Log.Level.of(Environment.of(Map.of()));
    assertEquals(Log.Level.INFO, unset);
    assertEquals(List.of("i", "w", "e"), everyLevel(unset));
  }

  @Test
  void awsLambdaLogLevelDropsLinesBelowIt() {
    assertEquals(List.of("w", "e"), everyLevel(level("WARN")));
    assertEquals(List.of("e"), everyLevel(level("ERROR")));
    assertEquals(List.of("d", "i", "w", "e"), everyLevel(level("debug")));
    assertEquals(List.of("d", "i", "w", "e"), everyLevel(level("TRACE")));
    assertEquals(List.of(), everyLevel(level("FATAL")));
  }

  @Test
  void anUnknownLevelFallsBackToInfo() {
    assertEquals(Log.Level.INFO, level("LOUD"));
    assertEquals(List.of("i", "w", "e"), everyLevel(level("LOUD")));
  }

  @Test
  void eachLogKeepsItsOwnThresholdWhateverLogsAreBuiltAfterIt() {
    List<String> lines = new ArrayList<>();
    Log quiet = new Log("test", "Quiet", lines::add, level("ERROR"));
    Log chatty = new Log("test", "Chatty", lines::add, level("DEBUG"));

    quiet.info("quiet info").write();
    chatty.debug("chatty debug").write();
    quiet.error("quiet error").write();

    assertEquals(List.of("chatty debug", "quiet error"), messages(lines));
  }

  @Test
  void aTracedLogKeepsTheThresholdOfItsLog() {
    List<String> lines = new ArrayList<>();
    Log log = new Log("test", "TestFunction", lines::add, level("WARN"));

    Log traced = log.traced(Optional.of("Root=1-5759e988-bd862e3fe1be46a994272793"));
    traced.info("dropped").write();
    traced.warn("kept").write();

    assertEquals(List.of("kept"), messages(lines));
  }

  @Test
  void linesOfAnInvocationCarryTheRootOfItsTraceHeaderAndOthersNone() throws Exception {
    List<String> lines = new ArrayList<>();
    Log log = new Log("test", "TestFunction", lines::add, Log.Level.INFO);

    log.traced(
            Optional.of(
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"))
        .info("traced")
        .write();
    log.info("plain").write();
    log.traced(Optional.of("Sampled=1")).info("no root").write();

    assertEquals(
        "1-5759e988-bd862e3fe1be46a994272793",
        JSON.readTree(lines.get(0)).path("traceId").asText());
    JsonNode plain = JSON.readTree(lines.get(1));
    assertFalse(plain.has("traceId"), plain.toString());
    JsonNode rootless = JSON.readTree(lines.get(2));
    assertFalse(rootless.has("traceId"), "a header without a Root carries no trace id");
  }

  @Test
  void aLogGivenAnOutputWritesThereAndNotToStandardOutput() {
    List<String> lines = new ArrayList<>();
    Log log = new Log("test", "TestFunction", lines::add, Log.Level.INFO);

    List<String> printed = written(() -> log.info("elsewhere").write());

    assertEquals(List.of(), printed);
    assertEquals(List.of("elsewhere"), messages(lines));
  }

  private static List<String> messages(List<String> lines) {
    return lines.stream()
        .map(
            l -> {
              try {
                return JSON.readTree(l).path("message").asText();
              } catch (Exception e) {
                throw new IllegalStateException(l, e);
              }
            })
        .toList();
  }
}
