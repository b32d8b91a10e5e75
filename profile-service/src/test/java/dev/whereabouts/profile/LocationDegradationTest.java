package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.LogLines;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /profiles/{userId}} against a real HTTP server playing the location service: the
 * merge, the SigV4 signature and correlation id it receives, and every way it can fail without
 * failing the profile.
 */
@ExtendWith(SecretScan.class)
class LocationDegradationTest {
  private static final String ACCESS_KEY = "AKIDLOCALTEST";
  private static final String SECRET_KEY = "local-test-secret";
  private static final String CORRELATION_ID = "session-7.trace_42";
  private static final String MUNICH =
      "{\"userId\":\"%s\",\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\","
          + "\"updatedAt\":\"2026-11-22T08:00:00.000Z\",\"version\":4}";
  private static final AtomicInteger USERS = new AtomicInteger();

  private static String table;
  private FakeLocationService locationService;
  private ProfileHandler handler;
  private String userId;

  @BeforeAll
  static void table() {
    table = LocalDynamoDb.createTable("profiles", Profiles.KEY, null);
  }

  @BeforeEach
  void start() {
    SecretScan.remember(SECRET_KEY);
    locationService = new FakeLocationService();
    handler = handler(locationService.apiUrl(), Map.of());
    userId = "user-" + USERS.incrementAndGet();
    APIGatewayProxyResponseEvent created =
        StreamInvocations.call(
            handler,
            ApiEvents.request("PUT", "/profiles/{userId}", "/profiles/" + userId)
                .pathParameter("userId", userId)
                .caller(userId)
                .json("{\"displayName\":\"Michael\",\"bio\":\"AWS in Action\"}")
                .build());
    assertEquals(201, created.getStatusCode(), created.getBody());
  }

  @AfterEach
  void stop() {
    locationService.close();
  }

  private static ProfileHandler handler(String locationApiUrl, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("LOCATION_API_URL", locationApiUrl);
    env.putAll(extra);
    return handler(env);
  }

  private static ProfileHandler handler(Map<String, String> env) {
    env.put("TABLE_NAME", table);
    return new ProfileHandler(
        Environment.of(LocalDynamoDb.environment(env)),
        Clock.fixed(Instant.parse("2026-11-23T10:15:30.123Z"), ZoneOffset.UTC));
  }

  private APIGatewayProxyResponseEvent getProfile(Context context) {
    return StreamInvocations.call(
        handler,
        ApiEvents.request("GET", "/profiles/{userId}", "/profiles/" + userId)
            .pathParameter("userId", userId)
            .header("X-Correlation-Id", CORRELATION_ID)
            .build(),
        context);
  }

  private JsonNode getProfileBody() throws IOException {
    APIGatewayProxyResponseEvent response = getProfile(SyntheticContext.of("profile-test"));
    assertEquals(200, response.getStatusCode(), response.getBody());
    assertTrue(response.getHeaders().get("ETag").startsWith("W/\""), "only a weak ETag");
    return Jackson.MAPPER.readTree(response.getBody());
  }

  private static void assertUnavailable(JsonNode body) {
    assertTrue(body.get("location").isNull(), body.toString());
    assertEquals("unavailable", body.get("locationStatus").asText());
    assertEquals("Michael", body.get("displayName").asText(), "the profile is still there");
    assertEquals(1, body.get("version").asLong());
  }

  @Test
  void aStoredLocationIsMergedIntoTheProfile() throws Exception {
    locationService.answer(200, String.format(MUNICH, userId));
    JsonNode body = getProfileBody();
    assertEquals("ok", body.get("locationStatus").asText());
    JsonNode location = body.get("location");
    assertEquals(48.137, location.get("latitude").asDouble());
    assertEquals(11.575, location.get("longitude").asDouble());
    assertEquals("Munich", location.get("name").asText());
    assertEquals("2026-11-22T08:00:00.000Z", location.get("updatedAt").asText());
    assertEquals(4, location.size(), "only latitude, longitude, name and updatedAt");
    assertEquals("2026-11-23T10:15:30.123Z", body.get("updatedAt").asText());
    assertEquals(userId, body.get("userId").asText());
  }

  @Test
  void theCallIsAGetOfTheUsersLocationSignedWithSigV4ForExecuteApi() throws Exception {
    locationService.answer(200, String.format(MUNICH, userId));
    getProfileBody();

    assertEquals(1, locationService.received().size());
    FakeLocationService.Received call = locationService.received().get(0);
    assertEquals("GET", call.method());
    assertEquals("/prod/locations/" + userId, call.rawPath());
    assertNull(call.rawQuery());
    assertEquals(CORRELATION_ID, call.header("X-Correlation-Id"));
    assertEquals("application/json", call.header("Accept"));

    String amzDate = call.header("X-Amz-Date");
    assertNotNull(amzDate);
    Instant signedAt =
        DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .parse(amzDate, Instant::from);
    assertTrue(
        Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0,
        "signed now, within the 5 minutes of skew API Gateway allows");
    String authorization = call.header("Authorization");
    String scope =
        "AWS4-HMAC-SHA256 Credential="
            + ACCESS_KEY
            + "/"
            + amzDate.substring(0, 8)
            + "/eu-central-1/execute-api/aws4_request";
    assertTrue(authorization.startsWith(scope + ","), "credential scope");
    String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
    for (String header : List.of("host", "x-amz-date", "x-correlation-id", "accept")) {
      assertTrue(signedHeaders.contains(header), header + " is signed");
    }
    assertTrue(SigV4.verify(call, SECRET_KEY), "the signature checks out");
    assertFalse(SigV4.verify(call, SECRET_KEY + "x"), "the check can fail");
  }

  @Test
  void theCallGoesToTheRequestContextsApiAndStageNeverWhereTheClientsHostPoints() throws Exception {
    try (FakeLocationService attacker = new FakeLocationService()) {
      attacker.answer(200, String.format(MUNICH, userId));
      String attackerHost = java.net.URI.create(attacker.apiUrl()).getAuthority();
      String endpoint = locationService.apiUrl().replace("/prod", "");
      // No LOCATION_API_URL: the URL is derived from the request context's API id and stage.
      handler = handler(new HashMap<>(Map.of("AWS_ENDPOINT_URL_EXECUTE_API", endpoint)));
      locationService.answer(404, "{}");
      var event =
          ApiEvents.request("GET", "/profiles/{userId}", "/profiles/" + userId)
              .pathParameter("userId", userId)
              .header("Host", attackerHost)
              .header("X-Forwarded-Proto", "http")
              .build();
      event.getRequestContext().setDomainName(attackerHost);

      APIGatewayProxyResponseEvent response = StreamInvocations.call(handler, event);

      assertEquals(200, response.getStatusCode(), response.getBody());
      assertEquals(
          "none", Jackson.MAPPER.readTree(response.getBody()).get("locationStatus").asText());
      assertEquals(List.of(), attacker.received(), "no signed call where the client pointed");
      assertEquals("/prod/locations/" + userId, locationService.received().get(0).rawPath());
    }
  }

  @Test
  void temporaryCredentialsSendTheirSessionTokenSigned() throws Exception {
    String sessionToken = "FwoGZXIvYXdzEXAMPLEsessionTokenForLocalTestsOnly";
    SecretScan.remember(sessionToken);
    handler = handler(locationService.apiUrl(), Map.of("AWS_SESSION_TOKEN", sessionToken));
    locationService.answer(200, String.format(MUNICH, userId));
    assertEquals("ok", getProfileBody().get("locationStatus").asText());
    FakeLocationService.Received call = locationService.received().get(0);
    assertEquals(sessionToken, call.header("X-Amz-Security-Token"));
    assertTrue(call.header("Authorization").contains("x-amz-security-token"));
    assertTrue(SigV4.verify(call, SECRET_KEY));
  }

  @Test
  void noStoredLocationIsNoneWithANullLocation() throws Exception {
    locationService.answer(
        404, "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
    JsonNode body = getProfileBody();
    assertTrue(body.get("location").isNull());
    assertEquals("none", body.get("locationStatus").asText());
  }

  @Test
  void aServerErrorIsUnavailable() throws Exception {
    locationService.answer(500, "{\"title\":\"Internal Server Error\"}");
    assertUnavailable(getProfileBody());
  }

  @Test
  void anIamRefusalIsUnavailable() throws Exception {
    locationService.answer(403, "{\"message\":\"User is not authorized to access this resource\"}");
    assertUnavailable(getProfileBody());
  }

  @Test
  void anUnexpectedStatusIsUnavailable() throws Exception {
    locationService.answer(302, "{}");
    assertUnavailable(getProfileBody());
  }

  @Test
  void garbageIsUnavailable() throws Exception {
    locationService.answer(200, "<html>gateway says hi</html>");
    assertUnavailable(getProfileBody());
  }

  @Test
  void theWrongJsonShapeIsUnavailable() throws Exception {
    locationService.answer(200, "{\"latitude\":\"north\",\"longitude\":[]}");
    assertUnavailable(getProfileBody());
  }

  @Test
  void anOversizedBodyIsUnavailable() throws Exception {
    String padding = " ".repeat(LocationCall.MAX_BODY_BYTES);
    locationService.answer(200, String.format(MUNICH, userId) + padding);
    assertUnavailable(getProfileBody());
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    handler = handler("http://127.0.0.1:" + closedPort + "/prod", Map.of());
    assertUnavailable(getProfileBody());
  }

  @Test
  void aHangingLocationServiceIsCutOffAndTheProfileStillAnswers() throws Exception {
    locationService.answer(
        exchange -> {
          Thread.sleep(5_000);
          FakeLocationService.respond(exchange, 200, String.format(MUNICH, userId));
        });
    long start = System.nanoTime();
    JsonNode body = getProfileBody();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertUnavailable(body);
    // A correctness bound (the hang is 5 s), not a performance target.
    assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, "took " + elapsed.toMillis() + " ms");
  }

  @Test
  void aTricklingBodyIsCutOffByTheWallClockBudgetNotJustTheSocketTimeout() throws Exception {
    // Each byte arrives well within the socket timeout; only the wall-clock bound ends this.
    locationService.answer(
        exchange -> {
          exchange.sendResponseHeaders(200, 1000);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 1000; i++) {
              out.write(' ');
              out.flush();
              Thread.sleep(100);
            }
          }
        });
    long start = System.nanoTime();
    JsonNode body = getProfileBody();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertUnavailable(body);
    assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, "took " + elapsed.toMillis() + " ms");
  }

  @Test
  void anInvocationAboutToTimeOutSkipsTheCall() throws Exception {
    locationService.answer(200, String.format(MUNICH, userId));
    int leftMillis = (int) LookupBudget.INVOCATION_MARGIN.toMillis() - 50;
    APIGatewayProxyResponseEvent response =
        getProfile(SyntheticContext.of("profile-test").withTimeLeft(Duration.ofMillis(leftMillis)));
    assertEquals(200, response.getStatusCode());
    assertUnavailable(Jackson.MAPPER.readTree(response.getBody()));
    assertEquals(List.of(), locationService.received(), "no call without time for it");
  }

  @Test
  void anInvocationWithTimeLeftMakesTheCall() throws Exception {
    locationService.answer(200, String.format(MUNICH, userId));
    APIGatewayProxyResponseEvent response =
        getProfile(SyntheticContext.of("profile-test").withTimeLeft(Duration.ofSeconds(30)));
    assertEquals("ok", Jackson.MAPPER.readTree(response.getBody()).get("locationStatus").asText());
  }

  @Test
  void aMissingProfileIs404WithoutCallingTheLocationService() {
    locationService.answer(200, String.format(MUNICH, "nobody"));
    APIGatewayProxyResponseEvent response =
        StreamInvocations.call(
            handler,
            ApiEvents.request("GET", "/profiles/{userId}", "/profiles/nobody")
                .pathParameter("userId", "nobody")
                .build());
    assertEquals(404, response.getStatusCode());
    assertEquals(List.of(), locationService.received());
  }

  @Test
  void anUnavailableLookupIsCountedTimedAndLoggedOnceWithoutCredentials() throws Exception {
    locationService.answer(503, "{}");
    List<JsonNode> lines = LogLines.of(this::getProfileBody);

    JsonNode emf = only(lines, l -> l.has("_aws"));
    assertEquals(1.0, emf.get(LocationClient.LOOKUP_UNAVAILABLE).asDouble());
    assertTrue(emf.get(LocationClient.LOOKUP_LATENCY).isNumber());
    List<String> declared = new ArrayList<>();
    emf.get("_aws")
        .get("CloudWatchMetrics")
        .get(0)
        .get("Metrics")
        .forEach(m -> declared.add(m.get("Name").asText() + "/" + m.get("Unit").asText()));
    assertTrue(declared.contains("LocationLookupUnavailable/Count"), declared.toString());
    assertTrue(declared.contains("LocationLookupLatency/Milliseconds"), declared.toString());
    assertEquals("profile", emf.get("Service").asText());

    JsonNode warn = only(lines, l -> "WARN".equals(l.path("level").asText()));
    assertEquals(CORRELATION_ID, warn.get("correlationId").asText());
    assertTrue(warn.get("reason").asText().contains("503"), warn.toString());
    for (JsonNode line : lines) {
      String text = line.toString();
      assertFalse(text.contains("AWS4-HMAC-SHA256"), "no Authorization header in logs");
      assertFalse(text.contains("Signature"), "no signature in logs");
      assertFalse(text.contains(ACCESS_KEY), "no access key id in logs");
    }
  }

  @Test
  void aFoundLocationIsTimedButNotCountedUnavailable() throws Exception {
    locationService.answer(200, String.format(MUNICH, userId));
    List<JsonNode> lines = LogLines.of(this::getProfileBody);
    JsonNode emf = only(lines, l -> l.has("_aws"));
    assertTrue(emf.get(LocationClient.LOOKUP_LATENCY).isNumber());
    assertFalse(emf.has(LocationClient.LOOKUP_UNAVAILABLE));
    assertTrue(lines.stream().noneMatch(l -> "WARN".equals(l.path("level").asText())));
  }

  private static JsonNode only(List<JsonNode> lines, java.util.function.Predicate<JsonNode> which) {
    List<JsonNode> matching = lines.stream().filter(which).toList();
    assertEquals(1, matching.size(), matching.toString());
    return matching.get(0);
  }
}
