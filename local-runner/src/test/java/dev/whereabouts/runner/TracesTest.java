package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.cli.LogsCommand;
import dev.whereabouts.runner.lambda.TraceHeader;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * X-Ray trace headers through the runner: made (or kept) by the gateway, handed to every
 * invocation, forwarded on the profile → location call, and in every log line, so {@code logs
 * --trace-id} shows one request's whole path; and {@code AWS_LAMBDA_LOG_LEVEL} from the template's
 * {@code LoggingConfig}.
 */
class TracesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEADER =
      Pattern.compile("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalRunner runner(Path template, Path data) throws Exception {
    return LocalRunner.create(
        RunnerOptions.parse(
            new String[] {
              "--template",
              template.toString(),
              "--port",
              "0",
              "--data-dir",
              data.toString(),
              "--no-color"
            }),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(
      LocalRunner runner, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runner.baseUrl() + path));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> logs(Path data, String... filter) throws Exception {
    List<String> args = new ArrayList<>(List.of("logs", "--data-dir", data.toString(), "--json"));
    args.addAll(List.of(filter));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LogsCommand.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static Set<String> sources(List<JsonNode> lines) {
    Set<String> sources = new TreeSet<>();
    lines.forEach(l -> sources.add(l.path("source").asText()));
    return sources;
  }

  @Test
  void oneTraceIdShowsARequestsWholePathThroughGatewayAuthorizerProfileAndLocation(
      @TempDir Path data) throws Exception {
    LocalRunner runner = runner(SuiteUnderTest.repositoryRoot().resolve("template.yaml"), data);
    PrintStream systemOut = System.out;
    PrintStream systemErr = System.err;
    String user = "trace-" + UUID.randomUUID().toString().substring(0, 8);
    String clientRoot =
        String.format("1-%08x-%s", System.currentTimeMillis() / 1000, "ab".repeat(12));
    HttpResponse<String> get;
    HttpResponse<String> put;
    HttpResponse<String> forged;
    try {
      runner.start();
      String credentials = "{\"userId\":\"" + user + "\",\"password\":\"correct horse 1\"}";
      assertEquals(201, send(runner, "POST", "/auth/users", credentials).statusCode());
      HttpResponse<String> login = send(runner, "POST", "/auth/tokens", credentials);
      assertEquals(201, login.statusCode(), login.body());
      String token = JSON.readTree(login.body()).path("accessToken").asText();

      // A client's valid Root is kept (API Gateway with tracing on); its sampling decision too.
      put =
          send(
              runner,
              "PUT",
              "/profiles/" + user,
              "{\"displayName\":\"Tracy\"}",
              "Authorization",
              "Bearer " + token,
              "X-Amzn-Trace-Id",
              "Root=" + clientRoot + ";Sampled=0");
      assertEquals(201, put.statusCode(), put.body());
      String putHeader = put.headers().firstValue("X-Amzn-Trace-Id").orElseThrow();
      assertTrue(HEADER.matcher(putHeader).matches(), putHeader);
      assertEquals(clientRoot, TraceHeader.root(putHeader));
      assertTrue(putHeader.endsWith(";Sampled=0"), putHeader);

      // No header: the gateway starts a trace, which the profile passes to the location call.
      get = send(runner, "GET", "/profiles/" + user, null);
      assertEquals(200, get.statusCode(), get.body());

      forged = send(runner, "GET", "/profiles/" + user, null, "X-Amzn-Trace-Id", "Root=1-xyz");
      assertEquals(200, forged.statusCode(), forged.body());
    } finally {
      runner.close();
      System.setOut(systemOut);
      System.setErr(systemErr);
    }

    String getHeader = get.headers().firstValue("X-Amzn-Trace-Id").orElseThrow();
    assertTrue(HEADER.matcher(getHeader).matches(), getHeader);
    String root = TraceHeader.root(getHeader);
    long epoch = Long.parseLong(root.substring(2, 10), 16);
    assertTrue(
        Math.abs(epoch - System.currentTimeMillis() / 1000) < 600,
        "the root starts with the request's epoch seconds: " + root);

    List<JsonNode> path = logs(data, "--trace-id", root);
    assertEquals(
        Set.of("LocationFunction", "ProfileFunction", "runner"), sources(path), path.toString());
    for (JsonNode line : path) {
      assertEquals(root, line.path("traceId").asText(), line.toString());
    }
    assertTrue(
        path.stream()
            .anyMatch(
                l ->
                    l.path("source").asText().equals("LocationFunction")
                        && l.path("record").path("route").asText().equals("GET /locations/{userId}")
                        && l.path("record").path("traceId").asText().equals(root)),
        "the location function logged the forwarded trace itself: " + path);
    assertTrue(
        path.stream()
            .anyMatch(
                l ->
                    l.path("source").asText().equals("runner")
                        && l.path("message").asText().startsWith("GET /profiles/" + user + " 200")),
        "the gateway's line of the request carries the trace: " + path);
    assertTrue(
        path.stream()
            .anyMatch(
                l ->
                    l.path("source").asText().equals("runner")
                        && l.path("message").asText().contains("/locations/" + user + " ")),
        "the gateway's line of the forwarded location call carries the trace: " + path);

    List<JsonNode> authorized = logs(data, "--trace-id", "Root=" + clientRoot + ";Sampled=0");
    assertTrue(
        sources(authorized).containsAll(Set.of("AuthorizerFunction", "ProfileFunction", "runner")),
        authorized.toString());

    String forgedRoot =
        TraceHeader.root(forged.headers().firstValue("X-Amzn-Trace-Id").orElseThrow());
    assertNotNull(forgedRoot, "an invalid client header is replaced by a new trace");
    assertNotEquals(root, forgedRoot);
    assertFalse(logs(data, "--trace-id", forgedRoot).isEmpty());
  }

  @Test
  void applicationLogLevelFromLoggingConfigDropsTheFunctionsLinesBelowIt(@TempDir Path dir)
      throws Exception {
    Path root = SuiteUnderTest.repositoryRoot();
    String text = Files.readString(root.resolve("template.yaml"));
    String changed =
        text.replaceAll("(\\n\\s+)LogFormat: Text", "$1LogFormat: JSON$1ApplicationLogLevel: WARN")
            .replaceAll(
                "CodeUri: (\\S+)", "CodeUri: " + root.toString().replace("\\", "/") + "/$1");
    assertTrue(changed.contains("ApplicationLogLevel: WARN"));
    Path template = dir.resolve("template.yaml");
    Files.writeString(template, changed);
    Path data = dir.resolve("data");
    LocalRunner runner = runner(template, data);
    PrintStream systemOut = System.out;
    PrintStream systemErr = System.err;
    String user = "level-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      runner.start();
      String credentials = "{\"userId\":\"" + user + "\",\"password\":\"correct horse 1\"}";
      assertEquals(201, send(runner, "POST", "/auth/users", credentials).statusCode());
      HttpResponse<String> login = send(runner, "POST", "/auth/tokens", credentials);
      String token = JSON.readTree(login.body()).path("accessToken").asText();
      assertEquals(
          201,
          send(
                  runner,
                  "PUT",
                  "/profiles/" + user,
                  "{\"displayName\":\"Lev\"}",
                  "Authorization",
                  "Bearer " + token)
              .statusCode());
      // The location call fails, so the profile writes a WARN line (and degrades).
      runner
          .cloudWatch()
          .apply(JSON.readTree("{\"function\":\"LocationFunction\",\"failureRate\":1}"));
      assertEquals(200, send(runner, "GET", "/profiles/" + user, null).statusCode());
    } finally {
      runner.close();
      System.setOut(systemOut);
      System.setErr(systemErr);
    }
    for (Suite.Function f :
        SuiteReader.read(template, java.util.Map.of(), "eu-central-1").functions()) {
      assertEquals("WARN", f.environment().get("AWS_LAMBDA_LOG_LEVEL"), f.logicalId());
      assertEquals("JSON", f.environment().get("AWS_LAMBDA_LOG_FORMAT"), f.logicalId());
    }
    for (String function :
        List.of("AuthFunction", "AuthorizerFunction", "ProfileFunction", "LocationFunction")) {
      List<JsonNode> lines = logs(data, "--function", function);
      assertTrue(
          lines.stream().noneMatch(l -> l.path("record").path("level").asText().equals("INFO")),
          function + ": INFO lines are below WARN: " + lines);
    }
    assertTrue(
        logs(data, "--function", "ProfileFunction").stream()
            .anyMatch(
                l ->
                    l.path("record").path("level").asText().equals("WARN")
                        && l.path("record")
                            .path("message")
                            .asText()
                            .equals("location lookup unavailable")),
        "WARN lines are still written");
  }
}
