package dev.whereabouts.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.telemetry.Telemetry;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.LogLines;
import dev.whereabouts.shared.testing.OwnerWriteOrder;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SecretScan.class)
class LocationHandlerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:15:30.123Z");
  private static LocationHandler handler;
  private static String table;

  @BeforeAll
  static void handler() {
    table = LocalDynamoDb.createTable("locations", Locations.KEY, null);
    handler =
        new LocationHandler(
            new Locations(LocalDynamoDb.client(), table),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Telemetry.from(Environment.of(Map.of())));
  }

  private static APIGatewayProxyResponseEvent call(APIGatewayProxyRequestEvent event) {
    return StreamInvocations.call(handler, event);
  }

  private static ApiEvents put(String userId, String caller, String body) {
    ApiEvents e =
        ApiEvents.request("PUT", "/locations/{userId}", "/locations/" + userId)
            .pathParameter("userId", userId)
            .json(body);
    return caller == null ? e : e.caller(caller);
  }

  private static ApiEvents get(String userId) {
    return ApiEvents.request("GET", "/locations/{userId}", "/locations/" + userId)
        .pathParameter("userId", userId);
  }

  private static ApiEvents delete(String userId, String caller) {
    return ApiEvents.request("DELETE", "/locations/{userId}", "/locations/" + userId)
        .pathParameter("userId", userId)
        .caller(caller);
  }

  private static JsonNode json(APIGatewayProxyResponseEvent response) throws Exception {
    return Jackson.MAPPER.readTree(response.getBody());
  }

  private static final String MUNICH =
      "{\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\"}";

  @Test
  void twoFunctionsInOneJvmLogAtTheirOwnLevelAndCountUnderTheirOwnStack() throws Exception {
    // As the local runner builds them: each from its own environment, in one JVM.
    LocationHandler staging = fromEnvironment("WARN", "whereabouts-staging");
    LocationHandler production = fromEnvironment("INFO", "whereabouts-production");

    List<JsonNode> lines =
        LogLines.of(
            () -> {
              StreamInvocations.call(
                  staging, put("tess", "tess", MUNICH).build(), SyntheticContext.of("staging"));
              StreamInvocations.call(
                  production, put("tess", "tess", MUNICH).build(), SyntheticContext.of("prod"));
            });

    List<JsonNode> stagingLines = ofFunction(lines, "staging");
    assertEquals(1, stagingLines.size(), "WARN: the EMF line only, no INFO request line");
    assertEquals("whereabouts-staging", stagingLines.get(0).path("Stack").asText());
    List<JsonNode> productionLines = ofFunction(lines, "prod");
    assertEquals(2, productionLines.size(), "INFO: the request line and the EMF line");
    assertEquals("request", productionLines.get(0).path("message").asText());
    assertEquals("whereabouts-production", productionLines.get(1).path("Stack").asText());
  }

  private static LocationHandler fromEnvironment(String logLevel, String stack) {
    return new LocationHandler(
        LocalDynamoDb.environment(
            Map.of("TABLE_NAME", table, "AWS_LAMBDA_LOG_LEVEL", logLevel, "STACK_NAME", stack)));
  }

  private static List<JsonNode> ofFunction(List<JsonNode> lines, String function) {
    return lines.stream().filter(l -> l.path("function").asText().equals(function)).toList();
  }

  @Test
  void theOwnerStoresALocationFromARealApiGatewayEvent() throws Exception {
    APIGatewayProxyResponseEvent response =
        call(EventLoader.loadApiGatewayRestEvent("events/put-location.json"));
    assertEquals(200, response.getStatusCode(), response.getBody());
    JsonNode body = json(response);
    assertEquals("michael", body.get("userId").asText());
    assertEquals(48.137, body.get("latitude").asDouble());
    assertEquals(11.575, body.get("longitude").asDouble());
    assertEquals("Munich", body.get("name").asText());
    assertEquals("2026-11-23T10:15:30.123Z", body.get("updatedAt").asText());
    long version = body.get("version").asLong();
    assertEquals("\"" + version + "\"", response.getHeaders().get("ETag"));
    assertEquals("session-42", response.getHeaders().get("X-Correlation-Id"));
    assertEquals("7d3e2a10-0b4f-4f4e-9c55-2d1f0e9a8b7c", response.getHeaders().get("X-Request-Id"));
  }

  @Test
  void everyUpdateRaisesTheVersionByOne() throws Exception {
    assertEquals(1, json(call(put("anna", "anna", MUNICH).build())).get("version").asLong());
    APIGatewayProxyResponseEvent second = call(put("anna", "anna", MUNICH).build());
    assertEquals(2, json(second).get("version").asLong());
    assertEquals("\"2\"", second.getHeaders().get("ETag"));
  }

  @Test
  void anOmittedOrNullNameIsStoredAsAbsentAndReturnedAsNull() throws Exception {
    call(put("bert", "bert", MUNICH).build());
    JsonNode body = json(call(put("bert", "bert", "{\"latitude\":1,\"longitude\":2}").build()));
    assertTrue(body.get("name").isNull());
    assertTrue(json(call(get("bert").build())).get("name").isNull());
    JsonNode again =
        json(call(put("bert", "bert", "{\"latitude\":1,\"longitude\":2,\"name\":null}").build()));
    assertTrue(again.get("name").isNull());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"latitude\":90.5,\"longitude\":2}|latitude",
        "{\"latitude\":1,\"longitude\":-180.01}|longitude",
        "{\"latitude\":\"1\",\"longitude\":2}|latitude",
        "{\"longitude\":2}|latitude",
        "{\"latitude\":1,\"longitude\":2,\"name\":\"\"}|name",
        "{\"latitude\":1,\"longitude\":2,\"name\":7}|name",
        "{\"latitude\":1,\"longitude\":2,\"name\":\"Mu\\u0000nich\"}|name",
        "{\"latitude\":1,\"longitude\":2,\"name\":\"Mu\\nnich\"}|name",
        "{\"latitude\":1,\"longitude\":2,\"name\":\"Mu\\u009bnich\"}|name",
        "{\"latitude\":1,\"longitude\":2,\"country\":\"DE\"}|country",
        "{\"latitude\":1,|line 1",
        "[]|object"
      })
  void badBodiesAre400NamingTheField(String body, String named) throws Exception {
    APIGatewayProxyResponseEvent response = call(put("carl", "carl", body).build());
    assertEquals(400, response.getStatusCode());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertTrue(json(response).get("detail").asText().contains(named), response.getBody());
    assertEquals(404, call(get("carl").build()).getStatusCode(), "nothing was written");
  }

  // 𝄞 is one code point but two UTF-16 units: a limit counted in units would refuse 100 of them.
  @ParameterizedTest
  @ValueSource(strings = {"é", "𝄞"})
  void aNameOf100CodePointsIsAcceptedAnd101IsNot(String character) {
    String hundred = character.repeat(100);
    assertEquals(
        200,
        call(put("dora", "dora", "{\"latitude\":1,\"longitude\":2,\"name\":\"" + hundred + "\"}")
                .build())
            .getStatusCode());
    assertEquals(
        400,
        call(put(
                    "dora",
                    "dora",
                    "{\"latitude\":1,\"longitude\":2,\"name\":\"" + hundred + character + "\"}")
                .build())
            .getStatusCode());
  }

  @Test
  void aBadPathUserIdIs400() {
    assertEquals(400, call(put("Bad!", "bad", MUNICH).build()).getStatusCode());
    assertEquals(400, call(get("x").build()).getStatusCode());
  }

  @Test
  void oversizedBodiesAre413AndOtherMediaTypes415() {
    String big = "{\"latitude\":1,\"longitude\":2,\"name\":\"" + "x".repeat(17000) + "\"}";
    assertEquals(413, call(put("erik", "erik", big).build()).getStatusCode());
    assertEquals(
        415,
        call(put("erik", "erik", MUNICH).header("Content-Type", "text/plain").build())
            .getStatusCode());
  }

  @Test
  void anonymousWritesAre401() {
    assertEquals(401, call(put("fred", null, MUNICH).build()).getStatusCode());
    var anonymousDelete =
        ApiEvents.request("DELETE", "/locations/{userId}", "/locations/fred")
            .pathParameter("userId", "fred")
            .build();
    assertEquals(401, call(anonymousDelete).getStatusCode());
  }

  @Test
  void nobodyChangesOrDeletesSomeoneElsesLocation() throws Exception {
    call(put("gina", "gina", MUNICH).build());
    assertEquals(
        403,
        call(put("gina", "mallory", "{\"latitude\":0,\"longitude\":0}").build()).getStatusCode());
    assertEquals(403, call(delete("gina", "mallory").build()).getStatusCode());
    JsonNode stored = json(call(get("gina").build()));
    assertEquals(48.137, stored.get("latitude").asDouble());
    assertEquals(1, stored.get("version").asLong());
  }

  @Test
  void aStaleIfMatchIs412AndWritesNothing() throws Exception {
    call(put("hans", "hans", MUNICH).build());
    call(put("hans", "hans", MUNICH).build());
    APIGatewayProxyResponseEvent stale =
        call(
            put("hans", "hans", "{\"latitude\":0,\"longitude\":0}")
                .header("If-Match", "\"1\"")
                .build());
    assertEquals(412, stale.getStatusCode());
    JsonNode stored = json(call(get("hans").build()));
    assertEquals(2, stored.get("version").asLong());
    assertEquals(48.137, stored.get("latitude").asDouble());
    APIGatewayProxyResponseEvent current =
        call(
            put("hans", "hans", "{\"latitude\":0,\"longitude\":0}")
                .header("If-Match", "\"2\"")
                .build());
    assertEquals(200, current.getStatusCode());
    assertEquals("\"3\"", current.getHeaders().get("ETag"));
  }

  @Test
  void ifMatchOnAMissingLocationIs412() {
    assertEquals(
        412, call(put("ines", "ines", MUNICH).header("If-Match", "\"1\"").build()).getStatusCode());
    assertEquals(
        412, call(put("ines", "ines", MUNICH).header("If-Match", "*").build()).getStatusCode());
    assertEquals(404, call(get("ines").build()).getStatusCode());
    assertEquals(
        400, call(put("ines", "ines", MUNICH).header("If-Match", "1").build()).getStatusCode());
  }

  @Test
  void getAnswersTheStoredLocationWithETagOr404() throws Exception {
    assertEquals(404, call(get("jana").build()).getStatusCode());
    call(put("jana", "jana", MUNICH).build());
    APIGatewayProxyResponseEvent response = call(get("jana").build());
    assertEquals(200, response.getStatusCode());
    assertEquals("\"1\"", response.getHeaders().get("ETag"));
    assertEquals("Munich", json(response).get("name").asText());
  }

  @Test
  void deleteIs204EvenWhenNothingIsStoredAndANewLocationStartsAtVersionOne() throws Exception {
    assertEquals(204, call(delete("karl", "karl").build()).getStatusCode());
    call(put("karl", "karl", MUNICH).build());
    call(put("karl", "karl", MUNICH).build());
    APIGatewayProxyResponseEvent deleted = call(delete("karl", "karl").build());
    assertEquals(204, deleted.getStatusCode());
    assertNull(deleted.getBody());
    assertEquals(404, call(get("karl").build()).getStatusCode());
    assertEquals(1, json(call(put("karl", "karl", MUNICH).build())).get("version").asLong());
  }

  @Test
  void deleteWithAStaleIfMatchIs412AndKeepsTheLocation() {
    call(put("lena", "lena", MUNICH).build());
    call(put("lena", "lena", MUNICH).build());
    assertEquals(
        412, call(delete("lena", "lena").header("If-Match", "\"1\"").build()).getStatusCode());
    assertEquals(200, call(get("lena").build()).getStatusCode());
    assertEquals(
        204, call(delete("lena", "lena").header("If-Match", "\"2\"").build()).getStatusCode());
  }

  @Test
  void concurrentOwnersNeverLoseAnUpdate() throws Exception {
    int threads = 12;
    int each = 5;
    Set<Long> versions = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int writer = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    APIGatewayProxyResponseEvent r =
                        call(
                            put(
                                    "mona",
                                    "mona",
                                    "{\"latitude\":" + writer + ",\"longitude\":" + i + "}")
                                .build());
                    assertEquals(200, r.getStatusCode(), r.getBody());
                    versions.add(json(r).get("version").asLong());
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * each, versions.size());
    assertEquals(threads * each, json(call(get("mona").build())).get("version").asLong());
  }

  @Test
  void aWriteCountsTheLocationUpdatedMetric() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      call(put("nina", "nina", MUNICH).build());
      call(put("nina", "mallory", MUNICH).build());
    } finally {
      System.setOut(original);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    long emfLines = 0;
    for (String line : lines) {
      JsonNode node = Jackson.MAPPER.readTree(line);
      if (node.has("_aws")) {
        emfLines++;
        assertEquals(1.0, node.get(LocationHandler.LOCATION_UPDATED).asDouble());
        assertEquals("location", node.get("Service").asText());
      }
    }
    assertEquals(1, emfLines, "only the successful write counts");
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("Bearer"));
  }

  @Test
  void servesExactlyTheLocationRoutes() {
    assertEquals(
        Set.of("PUT /locations/{userId}", "GET /locations/{userId}", "DELETE /locations/{userId}"),
        handler.routeKeys());
  }

  @Test
  void aPutAnswersItsChecksInTheContractsOrder() {
    OwnerWriteOrder.assertChecksInContractOrder(
        handler,
        "PUT",
        "/locations/{userId}",
        Optional.of("{\"latitude\":52.52,\"longitude\":13.405}"));
  }

  @Test
  void aDeleteAnswersItsChecksInTheContractsOrder() {
    OwnerWriteOrder.assertChecksInContractOrder(
        handler, "DELETE", "/locations/{userId}", Optional.empty());
  }
}
