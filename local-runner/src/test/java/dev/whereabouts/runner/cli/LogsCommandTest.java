package dev.whereabouts.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.Eventually;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.console.LogFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines log and the {@code logs} command that searches it. */
class LogsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Result(int exit, String out, String err) {}

  private static Result logs(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LogsCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theLogRotatesKeepingTheNewestFilesAndEveryLineInOrderWithinThem(@TempDir Path dir)
      throws Exception {
    try (LogFile log = new LogFile(dir, 400, Clock.systemUTC())) {
      for (int i = 0; i < 60; i++) {
        log.write("runner", "line " + i);
      }
    }
    List<Path> files = LogFile.files(dir);
    assertEquals(LogFile.KEEP + 1, files.size(), files.toString());
    List<Integer> numbers = new ArrayList<>();
    for (Path f : files) {
      assertTrue(Files.size(f) <= 400, f + " stays under the limit");
      for (String line : Files.readAllLines(f)) {
        numbers.add(Integer.parseInt(JSON.readTree(line).path("message").asText().substring(5)));
      }
    }
    assertEquals(59, numbers.get(numbers.size() - 1), "the newest line is kept");
    for (int i = 1; i < numbers.size(); i++) {
      assertEquals(numbers.get(i - 1) + 1, numbers.get(i), "oldest first, no gaps");
    }
    assertTrue(numbers.get(0) > 0, "the oldest lines went with the oldest file");
  }

  @Test
  void logsFindsOneRequestsLinesAcrossTheRunnerAndItsFunctions(@TempDir Path data)
      throws Exception {
    LocalRunner runner =
        LocalRunner.create(
            RunnerOptions.parse(
                new String[] {
                  "--template",
                  SuiteUnderTest.repositoryRoot().resolve("template.yaml").toString(),
                  "--port",
                  "0",
                  "--data-dir",
                  data.toString(),
                  "--no-color"
                }),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    PrintStream systemOut = System.out;
    PrintStream systemErr = System.err;
    try {
      runner.start();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/profiles/nobody")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(404, r.statusCode());
      // The gateway writes its request line after the answer has gone out: wait for it.
      java.nio.file.Path log = data.resolve("logs").resolve("runner.jsonl");
      Eventually.await(
          java.time.Duration.ofSeconds(10),
          () ->
              java.nio.file.Files.exists(log)
                  && java.nio.file.Files.readString(log).contains("GET /profiles/nobody 404"),
          written -> written);
    } finally {
      runner.close();
      System.setOut(systemOut);
      System.setErr(systemErr);
    }
    String dataDir = data.toString();
    Result profile = logs("logs", "--data-dir", dataDir, "--function", "ProfileFunction", "--json");
    assertEquals(0, profile.exit(), profile.err());
    List<String> lines = profile.out().lines().toList();
    assertTrue(!lines.isEmpty(), "the function's lines are in the log");
    JsonNode first = JSON.readTree(lines.get(0));
    String requestId = first.path("requestId").asText();
    assertTrue(!requestId.isEmpty(), lines.get(0));

    Result one = logs("logs", "--data-dir", dataDir, "--request-id", requestId, "--json");
    assertTrue(!one.out().isBlank());
    for (String line : one.out().lines().toList()) {
      assertEquals(requestId, JSON.readTree(line).path("requestId").asText());
    }
    Result runnerLines =
        logs("logs", "--data-dir", dataDir, "--function", "runner", "--since", "10m");
    assertTrue(runnerLines.out().contains("GET /profiles/nobody 404"), runnerLines.out());
    assertTrue(
        logs("logs", "--data-dir", dataDir, "--request-id", "no-such-request").out().isBlank());
    assertEquals(2, logs("logs", "--since", "yesterday").exit());
  }

  @Test
  void logsPrintsNoControlCharacters(@TempDir Path data) throws Exception {
    try (LogFile log = new LogFile(data.resolve("logs"), 1 << 20, Clock.systemUTC())) {
      log.write("runner", "G\u001b[31mET /x 400 \u009b2J");
      log.write("ProfileFunction", "{\"message\":\"red \\u001b[31m csi \u009b\"}");
    }
    for (String format : new String[] {"--no-json", "--json"}) {
      Result r =
          format.equals("--json")
              ? logs("logs", "--data-dir", data.toString(), "--json")
              : logs("logs", "--data-dir", data.toString());
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().contains("ET /x 400"), r.out());
      for (char c : r.out().toCharArray()) {
        assertTrue(
            !((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)),
            format + ": a control character U+" + Integer.toHexString(c) + " in " + r.out());
      }
    }
  }

  @Test
  void logsNeverReadsThroughALinkPlantedInTheFolder(@TempDir Path data) throws Exception {
    Path planted =
        Files.writeString(
            data.resolve("planted.jsonl"),
            "{\"time\":\"2026-01-01T00:00:00Z\",\"source\":\"runner\",\"message\":\"planted\"}\n");
    Path logs = Files.createDirectories(data.resolve("logs"));
    Files.setPosixFilePermissions(
        logs, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(LogFile.current(logs), planted);
    Result r = logs("logs", "--data-dir", data.toString());
    assertTrue(!r.out().contains("planted"), r.out());
  }
}
