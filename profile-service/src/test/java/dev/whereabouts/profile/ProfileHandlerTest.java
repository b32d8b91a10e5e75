package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
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
import java.util.HashMap;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SecretScan.class)
class ProfileHandlerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:15:30.123Z");
  private static final String MICHAEL = "{\"displayName\":\"Michael\",\"bio\":\"AWS in Action\"}";

  private static FakeLocationService locationService;
  private static String table;
  private static ProfileHandler handler;

  @BeforeAll
  static void handler() {
    locationService = new FakeLocationService();
    table = LocalDynamoDb.createTable("profiles", Profiles.KEY, null);
    handler = new ProfileHandler(environment(Map.of()), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    locationService.close();
  }

  private static Environment environment(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("TABLE_NAME", table);
    env.put("LOCATION_API_URL", locationService.apiUrl());
    env.putAll(overrides);
    return Environment.of(LocalDynamoDb.environment(env));
  }

  private static APIGatewayProxyResponseEvent call(APIGatewayProxyRequestEvent event) {
    return StreamInvocations.call(handler, event);
  }

  private static ApiEvents put(String userId, String caller, String body) {
    ApiEvents e =
        ApiEvents.request("PUT", "/profiles/{userId}", "/profiles/" + userId)
            .pathParameter("userId", userId)
            .json(body);
    return caller == null ? e : e.caller(caller);
  }

  private static ApiEvents get(String userId) {
    return ApiEvents.request("GET", "/profiles/{userId}", "/profiles/" + userId)
        .pathParameter("userId", userId);
  }

  private static ApiEvents delete(String userId, String caller) {
    ApiEvents e =
        ApiEvents.request("DELETE", "/profiles/{userId}", "/profiles/" + userId)
            .pathParameter("userId", userId);
    return caller == null ? e : e.caller(caller);
  }

  private static JsonNode json(APIGatewayProxyResponseEvent response) throws Exception {
    return Jackson.MAPPER.readTree(response.getBody());
  }

  private static String displayName(String value) {
    return "{\"displayName\":\"" + value + "\"}";
  }

  @Test
  void theOwnerCreatesAProfileFromARealApiGatewayEvent() throws Exception {
    APIGatewayProxyResponseEvent response =
        call(EventLoader.loadApiGatewayRestEvent("events/put-profile.json"));
    assertEquals(201, response.getStatusCode(), response.getBody());
    JsonNode body = json(response);
    assertEquals("michael", body.get("userId").asText());
    assertEquals("Michael", body.get("displayName").asText());
    assertEquals("AWS in Action", body.get("bio").asText());
    assertEquals("2026-11-23T10:15:30.123Z", body.get("updatedAt").asText());
    assertEquals(1, body.get("version").asLong());
    assertEquals(Set.of("userId", "displayName", "bio", "updatedAt", "version"), names(body));
    assertEquals("\"1\"", response.getHeaders().get("ETag"));
    assertEquals("application/json", response.getHeaders().get("Content-Type"));
    assertEquals("session-42", response.getHeaders().get("X-Correlation-Id"));
    assertEquals("0f5c2b7e-3a41-4d8e-b1f6-9e2a7c4d1b30", response.getHeaders().get("X-Request-Id"));
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void createIs201WithVersionOneAndUpdateIs200WithVersionTwo() throws Exception {
    APIGatewayProxyResponseEvent created = call(put("anna", "anna", MICHAEL).build());
    assertEquals(201, created.getStatusCode());
    assertEquals(1, json(created).get("version").asLong());
    assertEquals("\"1\"", created.getHeaders().get("ETag"));
    APIGatewayProxyResponseEvent updated = call(put("anna", "anna", displayName("Anna")).build());
    assertEquals(200, updated.getStatusCode());
    assertEquals(2, json(updated).get("version").asLong());
    assertEquals("\"2\"", updated.getHeaders().get("ETag"));
    assertEquals("Anna", json(updated).get("displayName").asText());
  }

  @Test
  void anOmittedOrNullBioIsStoredAsAbsentAndReturnedAsNull() throws Exception {
    call(put("bert", "bert", MICHAEL).build());
    JsonNode omitted = json(call(put("bert", "bert", displayName("Bert")).build()));
    assertTrue(omitted.get("bio").isNull());
    assertTrue(json(call(get("bert").build())).get("bio").isNull());
    call(put("bert", "bert", MICHAEL).build());
    JsonNode nulled =
        json(call(put("bert", "bert", "{\"displayName\":\"Bert\",\"bio\":null}").build()));
    assertTrue(nulled.get("bio").isNull());
    assertTrue(json(call(get("bert").build())).get("bio").isNull());
  }

  @Test
  void anEmptyBioIsKept() throws Exception {
    JsonNode body = json(call(put("bea", "bea", "{\"displayName\":\"Bea\",\"bio\":\"\"}").build()));
    assertEquals("", body.get("bio").textValue());
    assertEquals("", json(call(get("bea").build())).get("bio").textValue());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"displayName\":\"\"}|displayName",
        "{\"displayName\":7}|displayName",
        "{\"displayName\":null}|displayName",
        "{\"bio\":\"hi\"}|displayName",
        "{\"displayName\":\"Carl\",\"bio\":false}|bio",
        "{\"displayName\":\"Carl\",\"age\":42}|age",
        "{\"displayName\":\"Carl\",|line 1",
        "[]|object",
        "{\"displayName\":\"Carl\",\"displayName\":\"Karl\"}|displayName"
      })
  void badBodiesAre400NamingTheFieldAndWriteNothing(String body, String named) throws Exception {
    APIGatewayProxyResponseEvent response = call(put("carl", "carl", body).build());
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertTrue(json(response).get("detail").asText().contains(named), response.getBody());
    assertEquals(404, call(get("carl").build()).getStatusCode(), "nothing was written");
  }

  @Test
  void aDisplayNameOf64CodePointsIsAcceptedAnd65IsNot() throws Exception {
    String sixtyFour = "😀".repeat(64);
    assertEquals(201, call(put("dora", "dora", displayName(sixtyFour)).build()).getStatusCode());
    APIGatewayProxyResponseEvent tooLong =
        call(put("dora", "dora", displayName(sixtyFour + "x")).build());
    assertEquals(400, tooLong.getStatusCode());
    assertTrue(json(tooLong).get("detail").asText().contains("displayName"));
  }

  // 𝄞 is one code point but two UTF-16 units: a limit counted in units would refuse 500 of them.
  @ParameterizedTest
  @ValueSource(strings = {"é", "𝄞"})
  void aBioOf500CodePointsIsAcceptedAnd501IsNot(String character) throws Exception {
    String user = character.equals("é") ? "dirk" : "dina";
    String fiveHundred = character.repeat(500);
    String bio = "{\"displayName\":\"D\",\"bio\":\"" + fiveHundred;
    assertEquals(201, call(put(user, user, bio + "\"}").build()).getStatusCode());
    APIGatewayProxyResponseEvent tooLong = call(put(user, user, bio + character + "\"}").build());
    assertEquals(400, tooLong.getStatusCode());
    assertTrue(json(tooLong).get("detail").asText().contains("bio"));
    JsonNode stored = json(call(get(user).build()));
    assertEquals(1, stored.get("version").asLong());
    assertEquals(fiveHundred, stored.get("bio").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\\u0000", "\\u0007", "\\n", "\\t", "\\r", "\\u001b[31m", "\\u007f", "\\u0085"})
  void aDisplayNameWithAControlCharacterIs400AndWritesNothing(String escaped) throws Exception {
    APIGatewayProxyResponseEvent response =
        call(put("fritz", "fritz", displayName("Fr" + escaped + "itz")).build());
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertTrue(json(response).get("detail").asText().contains("displayName"));
    assertEquals(404, call(get("fritz").build()).getStatusCode());
  }

  @Test
  void aBioKeepsLineFeedsAndTabsButRefusesOtherControlCharacters() throws Exception {
    String lines = "{\"displayName\":\"G\",\"bio\":\"one\\n\\ttwo\"}";
    assertEquals(201, call(put("greta", "greta", lines).build()).getStatusCode());
    assertEquals("one\n\ttwo", json(call(get("greta").build())).get("bio").asText());
    for (String bad : new String[] {"\\r\\n", "\\u0000", "\\u001b", "\\u009f"}) {
      APIGatewayProxyResponseEvent response =
          call(put("greta", "greta", "{\"displayName\":\"G\",\"bio\":\"a" + bad + "b\"}").build());
      assertEquals(400, response.getStatusCode(), bad);
      assertTrue(json(response).get("detail").asText().contains("bio"));
    }
  }

  @Test
  void aBodyThatIsNotUtf8Is400AndWritesNothing() {
    // API Gateway hands a body that is not UTF-8 text to the function as base64.
    byte[] overlong = {
      '{',
      '"',
      'd',
      'i',
      's',
      'p',
      'l',
      'a',
      'y',
      'N',
      'a',
      'm',
      'e',
      '"',
      ':',
      '"',
      (byte) 0xC0,
      (byte) 0xAF,
      '"',
      '}'
    };
    APIGatewayProxyRequestEvent event =
        put("hugo", "hugo", java.util.Base64.getEncoder().encodeToString(overlong)).build();
    event.setIsBase64Encoded(true);
    assertEquals(400, call(event).getStatusCode());
    assertEquals(404, call(get("hugo").build()).getStatusCode());
  }

  @Test
  void aUtf16BodyIs400EvenWithAByteOrderMark() {
    byte[] utf16 = MICHAEL.getBytes(java.nio.charset.StandardCharsets.UTF_16);
    APIGatewayProxyRequestEvent event =
        put("ines", "ines", java.util.Base64.getEncoder().encodeToString(utf16)).build();
    event.setIsBase64Encoded(true);
    assertEquals(400, call(event).getStatusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad!", "ab", "UPPER", "-dash"})
  void aBadPathUserIdIs400OnEveryRoute(String userId) throws Exception {
    APIGatewayProxyResponseEvent put = call(put(userId, "bad", MICHAEL).build());
    assertEquals(400, put.getStatusCode());
    assertTrue(json(put).get("detail").asText().contains("userId"));
    assertEquals(400, call(get(userId).build()).getStatusCode());
    assertEquals(400, call(delete(userId, "bad").build()).getStatusCode());
  }

  @Test
  void oversizedBodiesAre413() {
    String big = "{\"displayName\":\"E\",\"bio\":\"" + "x".repeat(17000) + "\"}";
    assertEquals(413, call(put("erik", "erik", big).build()).getStatusCode());
  }

  @Test
  void otherMediaTypesAndCharsetsAre415() {
    assertEquals(
        415,
        call(put("erik", "erik", MICHAEL).header("Content-Type", "text/plain").build())
            .getStatusCode());
    assertEquals(
        415,
        call(put("erik", "erik", MICHAEL)
                .header("Content-Type", "application/json; charset=latin1")
                .build())
            .getStatusCode());
    assertEquals(
        415,
        call(put("erik", "erik", MICHAEL)
                .header("Content-Type", "application/json; charset=utf-8; charset=latin1")
                .build())
            .getStatusCode());
    assertEquals(
        201,
        call(put("erik", "erik", MICHAEL)
                .header("Content-Type", "application/json; charset=utf-8")
                .build())
            .getStatusCode());
  }

  @Test
  void anonymousWritesAre401() {
    assertEquals(401, call(put("fred", null, MICHAEL).build()).getStatusCode());
    assertEquals(401, call(delete("fred", null).build()).getStatusCode());
    assertEquals(404, call(get("fred").build()).getStatusCode(), "nothing was written");
  }

  @Test
  void nobodyChangesOrDeletesSomeoneElsesProfile() throws Exception {
    call(put("gina", "gina", MICHAEL).build());
    assertEquals(403, call(put("gina", "mallory", displayName("Mallory")).build()).getStatusCode());
    assertEquals(403, call(delete("gina", "mallory").build()).getStatusCode());
    JsonNode stored = json(call(get("gina").build()));
    assertEquals("Michael", stored.get("displayName").asText());
    assertEquals(1, stored.get("version").asLong());
  }

  @Test
  void aStaleIfMatchIs412AndWritesNothing() throws Exception {
    call(put("hans", "hans", MICHAEL).build());
    call(put("hans", "hans", MICHAEL).build());
    APIGatewayProxyResponseEvent stale =
        call(put("hans", "hans", displayName("Hans")).header("If-Match", "\"1\"").build());
    assertEquals(412, stale.getStatusCode());
    assertEquals("application/problem+json", stale.getHeaders().get("Content-Type"));
    JsonNode stored = json(call(get("hans").build()));
    assertEquals(2, stored.get("version").asLong());
    assertEquals("Michael", stored.get("displayName").asText());
    APIGatewayProxyResponseEvent current =
        call(put("hans", "hans", displayName("Hans")).header("If-Match", "\"2\"").build());
    assertEquals(200, current.getStatusCode());
    assertEquals("\"3\"", current.getHeaders().get("ETag"));
  }

  @Test
  void ifMatchOnAMissingProfileIs412AndCreatesNothing() {
    assertEquals(
        412,
        call(put("ines", "ines", MICHAEL).header("If-Match", "\"1\"").build()).getStatusCode());
    assertEquals(
        412, call(put("ines", "ines", MICHAEL).header("If-Match", "*").build()).getStatusCode());
    assertEquals(404, call(get("ines").build()).getStatusCode());
    assertEquals(
        400, call(put("ines", "ines", MICHAEL).header("If-Match", "1").build()).getStatusCode());
  }

  @Test
  void getOfAMissingProfileIs404() throws Exception {
    APIGatewayProxyResponseEvent response = call(get("jana").build());
    assertEquals(404, response.getStatusCode());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertEquals(404, json(response).get("status").asInt());
  }

  @Test
  void browsersFromTheConfiguredOriginMayReadPublicProfiles() {
    call(put("cora", "cora", MICHAEL).build());
    ProfileHandler withCors =
        new ProfileHandler(
            environment(Map.of("CORS_ALLOW_ORIGIN", "https://app.example.com")),
            Clock.fixed(NOW, ZoneOffset.UTC));
    APIGatewayProxyResponseEvent response = StreamInvocations.call(withCors, get("cora").build());
    assertEquals(200, response.getStatusCode());
    assertEquals(
        "https://app.example.com", response.getHeaders().get("Access-Control-Allow-Origin"));
    assertFalse(
        call(get("cora").build()).getHeaders().containsKey("Access-Control-Allow-Origin"),
        "none unless configured");
  }

  @Test
  void getIsPublicAndCarriesOnlyAWeakETag() throws Exception {
    call(put("jens", "jens", MICHAEL).build());
    call(put("jens", "jens", MICHAEL).build());
    APIGatewayProxyResponseEvent response = call(get("jens").build());
    assertEquals(200, response.getStatusCode());
    assertTrue(
        response.getHeaders().get("ETag").startsWith("W/\""),
        "GET /profiles merges two services' data: a weak ETag, never a version for If-Match");
    JsonNode body = json(response);
    assertEquals(2, body.get("version").asLong());
    assertEquals("Michael", body.get("displayName").asText());
    assertEquals("AWS in Action", body.get("bio").asText());
    assertEquals("2026-11-23T10:15:30.123Z", body.get("updatedAt").asText());
    assertTrue(body.get("location").isNull());
    assertEquals("none", body.get("locationStatus").asText());
    assertEquals(
        Set.of(
            "userId", "displayName", "bio", "updatedAt", "version", "location", "locationStatus"),
        names(body));
  }

  @Test
  void deleteIs204EvenWhenNothingIsStoredAndANewProfileStartsAtVersionOne() throws Exception {
    assertEquals(204, call(delete("karl", "karl").build()).getStatusCode());
    call(put("karl", "karl", MICHAEL).build());
    call(put("karl", "karl", MICHAEL).build());
    APIGatewayProxyResponseEvent deleted = call(delete("karl", "karl").build());
    assertEquals(204, deleted.getStatusCode());
    assertNull(deleted.getBody());
    assertEquals(404, call(get("karl").build()).getStatusCode());
    APIGatewayProxyResponseEvent again = call(put("karl", "karl", MICHAEL).build());
    assertEquals(201, again.getStatusCode());
    assertEquals(1, json(again).get("version").asLong());
  }

  @Test
  void deleteWithAStaleIfMatchIs412AndKeepsTheProfile() {
    call(put("lena", "lena", MICHAEL).build());
    call(put("lena", "lena", MICHAEL).build());
    assertEquals(
        412, call(delete("lena", "lena").header("If-Match", "\"1\"").build()).getStatusCode());
    assertEquals(200, call(get("lena").build()).getStatusCode());
    assertEquals(
        204, call(delete("lena", "lena").header("If-Match", "\"2\"").build()).getStatusCode());
    assertEquals(412, call(delete("lena", "lena").header("If-Match", "*").build()).getStatusCode());
  }

  @Test
  void concurrentOwnersNeverLoseAnUpdate() throws Exception {
    int threads = 12;
    int each = 5;
    Set<Long> versions = ConcurrentHashMap.newKeySet();
    Set<Integer> createdVersions = ConcurrentHashMap.newKeySet();
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
                        call(put("mona", "mona", displayName("w" + writer + "-" + i)).build());
                    long version = json(r).get("version").asLong();
                    assertEquals(version == 1 ? 201 : 200, r.getStatusCode(), r.getBody());
                    if (r.getStatusCode() == 201) {
                      createdVersions.add((int) version);
                    }
                    versions.add(version);
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
    assertEquals(Set.of(1), createdVersions, "exactly one writer created the profile");
    assertEquals(threads * each, json(call(get("mona").build())).get("version").asLong());
  }

  @Test
  void aWriteCountsTheProfileUpdatedMetric() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      call(put("nina", "nina", MICHAEL).build());
      call(put("nina", "mallory", MICHAEL).build());
    } finally {
      System.setOut(original);
    }
    long emfLines = 0;
    for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
      JsonNode node = Jackson.MAPPER.readTree(line);
      if (node.has("_aws")) {
        emfLines++;
        assertEquals(1.0, node.get(ProfileHandler.PROFILE_UPDATED).asDouble());
        assertEquals("profile", node.get("Service").asText());
      }
    }
    assertEquals(1, emfLines, "only the successful write counts");
  }

  @Test
  void servesExactlyTheProfileRoutes() {
    assertEquals(
        Set.of("PUT /profiles/{userId}", "GET /profiles/{userId}", "DELETE /profiles/{userId}"),
        handler.routeKeys());
    APIGatewayProxyResponseEvent unknown =
        call(ApiEvents.request("POST", "/profiles/{userId}", "/profiles/olga").build());
    assertEquals(403, unknown.getStatusCode());
  }

  @Test
  void initFailsNamingAMissingTableName() {
    Map<String, String> env = LocalDynamoDb.environment(Map.of());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new ProfileHandler(env));
    assertTrue(e.getMessage().contains("TABLE_NAME"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001", "-5", "fast", "800ms"})
  void initFailsNamingABadLocationBudget(String budget) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new ProfileHandler(
                    environment(Map.of("LOCATION_BUDGET_MS", budget)), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("LOCATION_BUDGET_MS"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/prod", "not a url", "/prod", "https://x/p?q=1"})
  void initFailsNamingABadLocationApiUrl(String url) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new ProfileHandler(
                    environment(Map.of("LOCATION_API_URL", url)), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("LOCATION_API_URL"));
  }

  @Test
  void aPutAnswersItsChecksInTheContractsOrder() {
    OwnerWriteOrder.assertChecksInContractOrder(
        handler, "PUT", "/profiles/{userId}", Optional.of("{\"displayName\":\"Olga\"}"));
  }

  @Test
  void aDeleteAnswersItsChecksInTheContractsOrder() {
    OwnerWriteOrder.assertChecksInContractOrder(
        handler, "DELETE", "/profiles/{userId}", Optional.empty());
  }
}
