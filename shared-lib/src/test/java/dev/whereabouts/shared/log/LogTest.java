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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The log's level threshold (AWS_LAMBDA_LOG_LEVEL) and the invocation's trace id. */
class LogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterEach
  void reset() {
    Log.configure(Environment.of(Map.of()));
  }

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

  private static List<String> everyLevel() {
    Log log = new Log("test", "TestFunction");
    return written(
        () -> {
          log.debug("d").write();
          log.info("i").write();
          log.warn("w").write();
          log.error("e").write();
        });
  }

  @Test
  void withoutAwsLambdaLogLevelInfoAndAboveAreWrittenAsLambdasDefault() {
    Log.configure(Environment.of(Map.of()));
    assertEquals(List.of("i", "w", "e"), messages(everyLevel()));
  }

  @Test
  void awsLambdaLogLevelDropsLinesBelowIt() throws Exception {
    Log.configure(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN")));
    assertEquals(List.of("w", "e"), messages(everyLevel()));
    Log.configure(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "ERROR")));
    assertEquals(List.of("e"), messages(everyLevel()));
    Log.configure(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "debug")));
    assertEquals(List.of("d", "i", "w", "e"), messages(everyLevel()));
    Log.configure(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "TRACE")));
    assertEquals(List.of("d", "i", "w", "e"), messages(everyLevel()));
    Log.configure(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL")));
    assertEquals(List.of(), messages(everyLevel()));
  }

  @Test
  void anUnknownLevelFallsBackToInfo() throws Exception {
    Log.configure(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "LOUD")));
    assertEquals(List.of("i", "w", "e"), messages(everyLevel()));
  }

  @Test
  void linesOfAnInvocationCarryTheRootOfItsTraceHeaderAndOthersNone() throws Exception {
    List<String> lines = new ArrayList<>();
    Log log = new Log("test", "TestFunction", lines::add);

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
    Log log = new Log("test", "TestFunction", lines::add);

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
