package dev.whereabouts.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.telemetry.Telemetry;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LogLines;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

@ExtendWith(SecretScan.class)
class HttpFunctionTest {
  /** A function's telemetry when its environment sets neither a log level nor a stack. */
  private static final Telemetry UNSET = Telemetry.from(Environment.of(Map.of()));

  private final HttpFunction function =
      new HttpFunction(
          "test",
          Map.of(
              "GET /things/{userId}",
              r -> {
                r.metrics().count("ThingRead");
                return Response.ok(Json.object().put("userId", r.pathUserId()));
              },
              "PUT /things/{userId}",
              r -> Response.ok(r.jsonBody()),
              "GET /boom",
              r -> {
                throw new IllegalStateException("secret internals at com.example.Db");
              },
              "GET /busy",
              r -> {
                throw (DynamoDbException)
                    DynamoDbException.builder()
                        .statusCode(400)
                        .awsErrorDetails(
                            AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException")
                                .errorMessage("Rate of requests exceeds the allowed throughput.")
                                .build())
                        .build();
              },
              "PUT /stale",
              r -> {
                throw new dev.whereabouts.shared.store.VersionConflict(
                    "'abc' is not at version 3; nothing was written.");
              },
              "GET /limited",
              r -> {
                throw Problem.tooManyRequests("slow down", Duration.ofMillis(1500));
              }),
          UNSET);

  private static final Context CONTEXT = SyntheticContext.of("test");

  private static APIGatewayProxyResponseEvent handle(
      HttpFunction function, APIGatewayProxyRequestEvent event, Context context) {
    return StreamInvocations.call(function::handle, event, context);
  }

  private static JsonNode body(APIGatewayProxyResponseEvent response) throws Exception {
    return Jackson.MAPPER.readTree(response.getBody());
  }

  private APIGatewayProxyResponseEvent get(String resource, String path) {
    return handle(function, ApiEvents.request("GET", resource, path).build(), CONTEXT);
  }

  @Test
  void answersTheRouteWithRequestAndCorrelationIds() throws Exception {
    APIGatewayProxyResponseEvent response =
        handle(
            function,
            ApiEvents.request("GET", "/things/{userId}", "/things/abc")
                .pathParameter("userId", "abc")
                .header("X-Correlation-Id", "client-chosen.id_1")
                .build(),
            CONTEXT);
    assertEquals(200, response.getStatusCode());
    assertEquals("application/json", response.getHeaders().get("Content-Type"));
    assertEquals("client-chosen.id_1", response.getHeaders().get("X-Correlation-Id"));
    assertFalse(response.getHeaders().get("X-Request-Id").isBlank());
    assertEquals("abc", body(response).get("userId").asText());
  }

  @Test
  void aMalformedCorrelationIdIsReplaced() {
    APIGatewayProxyResponseEvent response =
        handle(
            function,
            ApiEvents.request("GET", "/things/{userId}", "/things/abc")
                .pathParameter("userId", "abc")
                .header("X-Correlation-Id", "has spaces and <html>")
                .build(),
            CONTEXT);
    String echoed = response.getHeaders().get("X-Correlation-Id");
    assertNotEquals("has spaces and <html>", echoed);
    assertTrue(echoed.matches("^[A-Za-z0-9._-]{1,64}$"));
  }

  @Test
  void unknownRoutesAnswerLikeApiGateway() throws Exception {
    APIGatewayProxyResponseEvent response = get("/nope", "/nope");
    assertEquals(403, response.getStatusCode());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertEquals("Missing Authentication Token", body(response).get("title").asText());
  }

  @Test
  void problemsCarryTheRfc9457FieldsAndTheRequestId() throws Exception {
    APIGatewayProxyResponseEvent response =
        handle(
            function,
            ApiEvents.request("GET", "/things/{userId}", "/things/X")
                .pathParameter("userId", "X")
                .build(),
            CONTEXT);
    JsonNode problem = body(response);
    assertEquals(400, response.getStatusCode());
    assertEquals(400, problem.get("status").asInt());
    assertTrue(problem.get("type").asText().startsWith(Problem.TYPE_PREFIX));
    assertFalse(problem.get("title").asText().isBlank());
    assertTrue(problem.get("detail").asText().contains("'userId'"));
    assertEquals(response.getHeaders().get("X-Request-Id"), problem.get("requestId").asText());
  }

  @Test
  void anUnexpectedErrorIsA500ThatRevealsNothing() throws Exception {
    APIGatewayProxyResponseEvent response = get("/boom", "/boom");
    assertEquals(500, response.getStatusCode());
    String text = response.getBody();
    assertFalse(text.contains("secret internals"));
    assertFalse(text.contains("IllegalStateException"));
    assertFalse(text.contains("com.example"));
    assertEquals(500, body(response).get("status").asInt());
  }

  @Test
  void aThrottledDependencyIsA503WithRetryAfter() throws Exception {
    APIGatewayProxyResponseEvent response = get("/busy", "/busy");
    assertEquals(503, response.getStatusCode());
    assertEquals("1", response.getHeaders().get("Retry-After"));
    assertFalse(response.getBody().contains("Rate of requests"));
  }

  @Test
  void aFailedConditionalWriteIsA412Problem() throws Exception {
    APIGatewayProxyResponseEvent response =
        handle(function, ApiEvents.request("PUT", "/stale", "/stale").build(), CONTEXT);
    assertEquals(412, response.getStatusCode());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertEquals(
        "'abc' is not at version 3; nothing was written.", body(response).get("detail").asText());
  }

  @Test
  void retryAfterRoundsUpToWholeSeconds() {
    assertEquals("2", get("/limited", "/limited").getHeaders().get("Retry-After"));
  }

  @Test
  void bodiesOver16KiBAre413() {
    String big = "{\"a\":\"" + "x".repeat(16 * 1024) + "\"}";
    APIGatewayProxyResponseEvent response =
        handle(
            function,
            ApiEvents.request("PUT", "/things/{userId}", "/things/abc").json(big).build(),
            CONTEXT);
    assertEquals(413, response.getStatusCode());
  }

  @Test
  void bodiesMustBeJsonInUtf8() {
    assertEquals(415, put("text/plain", "{}").getStatusCode());
    assertEquals(415, put(null, "{}").getStatusCode());
    assertEquals(415, put("application/json; charset=iso-8859-1", "{}").getStatusCode());
    assertEquals(415, put("application/jsonx", "{}").getStatusCode());
    assertEquals(200, put("application/json; charset=utf-8", "{}").getStatusCode());
    assertEquals(200, put("Application/JSON;charset=\"UTF-8\"", "{}").getStatusCode());
  }

  private APIGatewayProxyResponseEvent put(String contentType, String body) {
    ApiEvents event = ApiEvents.request("PUT", "/things/{userId}", "/things/abc").body(body);
    if (contentType != null) {
      event.header("Content-Type", contentType);
    }
    return handle(function, event.build(), CONTEXT);
  }

  @Test
  void writesOneRequestLineAndOneMetricsLine() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      handle(
          function,
          ApiEvents.request("GET", "/things/{userId}", "/things/abc")
              .pathParameter("userId", "abc")
              .caller("abc")
              .header("X-Correlation-Id", "corr-1")
              .build(),
          CONTEXT);
    } finally {
      System.setOut(original);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(2, lines.length);
    JsonNode log = Jackson.MAPPER.readTree(lines[0]);
    for (String field :
        new String[] {
          "timestamp",
          "level",
          "service",
          "function",
          "requestId",
          "correlationId",
          "route",
          "status",
          "latencyMs",
          "coldStart",
          "userId"
        }) {
      assertTrue(log.has(field), "log line lacks " + field + ": " + lines[0]);
    }
    assertEquals("corr-1", log.get("correlationId").asText());
    assertEquals("GET /things/{userId}", log.get("route").asText());
    JsonNode emf = Jackson.MAPPER.readTree(lines[1]);
    assertEquals("Whereabouts", emf.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
    assertEquals("ThingRead", emf.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText());
    assertEquals(1.0, emf.get("ThingRead").asDouble());
    assertEquals("test", emf.get("Service").asText());
    assertEquals("corr-1", emf.get("correlationId").asText());
  }

  @Test
  void theRouteGetsTheInvocationsTraceHeaderAndTheLinesItsTraceId() {
    List<String> lines = new ArrayList<>();
    List<Optional<String>> seen = new ArrayList<>();
    HttpFunction traced =
        new HttpFunction(
            "t",
            Map.of(
                "GET /x",
                r -> {
                  seen.add(r.traceHeader());
                  return Response.noContent();
                }),
            UNSET.to(lines::add));
    String header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    handle(
        traced,
        ApiEvents.request("GET", "/x", "/x").build(),
        SyntheticContext.of("test").withTraceHeader(header));
    handle(traced, ApiEvents.request("GET", "/x", "/x").build(), CONTEXT);

    assertEquals(List.of(Optional.of(header), Optional.empty()), seen);
    assertTrue(lines.get(0).contains("\"traceId\":\"1-5759e988-bd862e3fe1be46a994272793\""));
    assertFalse(lines.get(1).contains("traceId"), lines.get(1));
  }

  @Test
  void aFunctionGivenAnOutputWritesItsLogAndMetricsLinesThereOnly() throws Exception {
    List<String> lines = new ArrayList<>();
    HttpFunction quiet =
        new HttpFunction(
            "t",
            Map.of(
                "GET /x",
                r -> {
                  r.metrics().count("Counted");
                  return Response.noContent();
                }),
            UNSET.to(lines::add));

    List<JsonNode> printed =
        LogLines.of(() -> handle(quiet, ApiEvents.request("GET", "/x", "/x").build(), CONTEXT));

    assertEquals(List.of(), printed);
    assertEquals(2, lines.size(), "the request line and the metrics line");
  }

  @Test
  void onlyTheFirstRequestIsACold() throws Exception {
    HttpFunction fresh = new HttpFunction("t", Map.of("GET /x", r -> Response.noContent()), UNSET);
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      handle(fresh, ApiEvents.request("GET", "/x", "/x").build(), CONTEXT);
      handle(fresh, ApiEvents.request("GET", "/x", "/x").build(), CONTEXT);
    } finally {
      System.setOut(original);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertTrue(Jackson.MAPPER.readTree(lines[0]).get("coldStart").asBoolean());
    assertFalse(Jackson.MAPPER.readTree(lines[1]).get("coldStart").asBoolean());
  }

  @Test
  void twoFunctionsInOneJvmWriteAtTheirOwnLevelAndWithTheirOwnStack() throws Exception {
    // As the local runner and the tests run them: each configured once from its own
    // environment, both built before either serves, their requests interleaved. A level or a
    // stack kept in a static would give both functions the settings of the one built last.
    List<String> quietLines = new ArrayList<>();
    List<String> chattyLines = new ArrayList<>();
    HttpFunction quiet =
        counting(
            Telemetry.from(
                    Environment.of(
                        Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN", "STACK_NAME", "whereabouts-prod")))
                .to(quietLines::add));
    HttpFunction chatty =
        counting(
            Telemetry.from(
                    Environment.of(
                        Map.of("AWS_LAMBDA_LOG_LEVEL", "DEBUG", "STACK_NAME", "whereabouts-dev")))
                .to(chattyLines::add));

    for (HttpFunction f : List.of(quiet, chatty, quiet, chatty)) {
      handle(f, ApiEvents.request("GET", "/x", "/x").build(), CONTEXT);
    }

    // WARN: the INFO request line is dropped, the EMF line (no log line) is written.
    assertEquals(List.of("whereabouts-prod", "whereabouts-prod"), stacksOf(quietLines));
    assertEquals(2, quietLines.size(), "no request line below WARN: " + quietLines);
    // DEBUG: the request line and the EMF line of each request.
    assertEquals(List.of("whereabouts-dev", "whereabouts-dev"), stacksOf(chattyLines));
    assertEquals(4, chattyLines.size(), chattyLines.toString());
    assertEquals(
        2,
        chattyLines.stream().filter(l -> l.contains("\"message\":\"request\"")).count(),
        chattyLines.toString());
  }

  private static HttpFunction counting(Telemetry telemetry) {
    return new HttpFunction(
        "t",
        Map.of(
            "GET /x",
            r -> {
              r.metrics().count("Counted");
              return Response.noContent();
            }),
        telemetry);
  }

  /** The Stack dimension of each EMF line, checked to be declared as one. */
  private static List<String> stacksOf(List<String> lines) throws Exception {
    List<String> stacks = new ArrayList<>();
    for (String line : lines) {
      JsonNode node = Jackson.MAPPER.readTree(line);
      if (node.has("_aws")) {
        assertEquals(
            "[\"Service\",\"Stack\"]",
            node.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString());
        stacks.add(node.path("Stack").asText());
      }
    }
    return stacks;
  }
}
