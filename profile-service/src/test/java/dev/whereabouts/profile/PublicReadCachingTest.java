package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.telemetry.Telemetry;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.RecordedReads;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public read as caches see it (contract: Cache-Control, weak ETag, If-None-Match → 304, at
 * most 10 s behind a write), on the real engine; time moves by a test clock, never by sleeping.
 */
class PublicReadCachingTest {
  private static final Instant START = Instant.parse("2026-12-05T10:00:00Z");
  private static final String LOCATION =
      "{\"userId\":\"%s\",\"latitude\":52.52,\"longitude\":13.405,\"name\":null,"
          + "\"updatedAt\":\"2026-12-05T09:00:00Z\",\"version\":1}";

  private static FakeLocationService locationService;
  private static String table;

  /** A clock the test moves; it also counts how often it was asked. */
  private static final class TestClock extends Clock {
    private volatile Instant now = START;
    private final CountDownLatch asked;

    TestClock(int expectedQuestions) {
      this.asked = new CountDownLatch(expectedQuestions);
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      asked.countDown();
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeAll
  static void start() {
    locationService = new FakeLocationService();
    locationService.answer(
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String userId = path.substring(path.lastIndexOf('/') + 1);
          FakeLocationService.respond(exchange, 200, LOCATION.formatted(userId));
        });
    table = LocalDynamoDb.createTable("profiles", Profiles.KEY, null);
  }

  @AfterAll
  static void stop() {
    locationService.close();
  }

  private static Environment environment() {
    return environment(locationService.apiUrl());
  }

  private static Environment environment(String locationApiUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("TABLE_NAME", table);
    env.put("LOCATION_API_URL", locationApiUrl);
    return Environment.of(LocalDynamoDb.environment(env));
  }

  /** A handler of its own: one Lambda execution environment. */
  private static ProfileHandler environmentWith(Clock clock) {
    return new ProfileHandler(environment(), clock);
  }

  private static APIGatewayProxyResponseEvent get(ProfileHandler handler, String userId) {
    return get(handler, userId, Map.of());
  }

  private static APIGatewayProxyResponseEvent get(
      ProfileHandler handler, String userId, Map<String, String> headers) {
    ApiEvents event =
        ApiEvents.request("GET", "/profiles/{userId}", "/profiles/" + userId)
            .pathParameter("userId", userId);
    headers.forEach(event::header);
    return StreamInvocations.call(handler, event.build());
  }

  private static APIGatewayProxyResponseEvent put(
      ProfileHandler handler, String userId, String displayName) {
    return StreamInvocations.call(
        handler,
        ApiEvents.request("PUT", "/profiles/{userId}", "/profiles/" + userId)
            .pathParameter("userId", userId)
            .caller(userId)
            .json("{\"displayName\":\"" + displayName + "\"}")
            .build());
  }

  private static APIGatewayProxyResponseEvent delete(ProfileHandler handler, String userId) {
    return StreamInvocations.call(
        handler,
        ApiEvents.request("DELETE", "/profiles/{userId}", "/profiles/" + userId)
            .pathParameter("userId", userId)
            .caller(userId)
            .build());
  }

  private static String displayName(APIGatewayProxyResponseEvent response) throws Exception {
    return Jackson.MAPPER.readTree(response.getBody()).get("displayName").asText();
  }

  private static String header(APIGatewayProxyResponseEvent response, String name) {
    return response.getHeaders().get(name);
  }

  @Test
  void aPublicReadIsCacheableForAtMostSevenSecondsWithAWeakETagOfTheBody() {
    ProfileHandler handler = environmentWith(new TestClock(0));
    put(handler, "ada", "Ada");

    APIGatewayProxyResponseEvent response = get(handler, "ada");

    assertEquals(200, response.getStatusCode(), response.getBody());
    assertEquals("public, max-age=6, stale-while-revalidate=1", header(response, "Cache-Control"));
    String etag = header(response, "ETag");
    assertNotNull(etag);
    assertTrue(etag.matches("W/\"[0-9a-f]{16}\""), etag);
    assertEquals(etag, header(get(handler, "ada"), "ETag"), "the same body, the same tag");
  }

  @Test
  void theETagChangesWhenTheProfileChanges() {
    ProfileHandler handler = environmentWith(new TestClock(0));
    put(handler, "ben", "Ben");
    String before = header(get(handler, "ben"), "ETag");

    put(handler, "ben", "Benjamin");

    assertNotEquals(before, header(get(handler, "ben"), "ETag"));
  }

  @Test
  void aMatchingIfNoneMatchIs304WithoutABodyAndWithTheSameHeaders() {
    ProfileHandler handler = environmentWith(new TestClock(0));
    put(handler, "cleo", "Cleo");
    String etag = header(get(handler, "cleo"), "ETag");

    for (String ifNoneMatch : List.of(etag, etag.substring(2), "\"other\", " + etag, "*")) {
      APIGatewayProxyResponseEvent response =
          get(handler, "cleo", Map.of("If-None-Match", ifNoneMatch));

      assertEquals(304, response.getStatusCode(), ifNoneMatch);
      assertTrue(response.getBody() == null || response.getBody().isEmpty(), response.getBody());
      assertEquals(etag, header(response, "ETag"));
      assertEquals(
          "public, max-age=6, stale-while-revalidate=1", header(response, "Cache-Control"));
    }
  }

  @Test
  void anIfNoneMatchForAnotherBodyGetsTheWholeAnswer() {
    ProfileHandler handler = environmentWith(new TestClock(0));
    put(handler, "dora", "Dora");

    APIGatewayProxyResponseEvent response =
        get(handler, "dora", Map.of("If-None-Match", "W/\"0000000000000000\""));

    assertEquals(200, response.getStatusCode());
    assertTrue(response.getBody().contains("Dora"));
  }

  @Test
  void errorsAreNeverStored() {
    ProfileHandler handler = environmentWith(new TestClock(0));

    assertEquals("no-store", header(get(handler, "nobody-here"), "Cache-Control"));
    assertEquals("no-store", header(get(handler, "not a valid id!"), "Cache-Control"));
  }

  @Test
  void aRequestWithAuthorizationIsAnsweredFreshAndNeverStored() throws Exception {
    TestClock clock = new TestClock(0);
    ProfileHandler reader = environmentWith(clock);
    ProfileHandler writer = environmentWith(clock);
    put(writer, "eve", "Eve");
    get(reader, "eve");
    put(writer, "eve", "Evelyn");

    APIGatewayProxyResponseEvent response =
        get(reader, "eve", Map.of("Authorization", "Bearer some-token"));

    assertEquals("no-store", header(response, "Cache-Control"));
    assertEquals("Evelyn", displayName(response), "read past the function's cache");
  }

  @Test
  void anotherEnvironmentsWriteIsVisibleWithinTheBound() throws Exception {
    TestClock clock = new TestClock(0);
    ProfileHandler reader = environmentWith(clock);
    ProfileHandler writer = environmentWith(clock);
    put(writer, "finn", "Finn");
    assertEquals("Finn", displayName(get(reader, "finn")));

    put(writer, "finn", "Finnegan");
    clock.advance(Duration.ofMillis(1_999));
    String within = displayName(get(reader, "finn"));
    clock.advance(Duration.ofMillis(1));
    String after = displayName(get(reader, "finn"));

    assertEquals("Finn", within, "kept up to 2 s in the function");
    assertEquals("Finnegan", after, "never longer");
  }

  @Test
  void anotherEnvironmentsDeleteIsVisibleWithinTheBound() {
    TestClock clock = new TestClock(0);
    ProfileHandler reader = environmentWith(clock);
    ProfileHandler writer = environmentWith(clock);
    put(writer, "gus", "Gus");
    get(reader, "gus");

    delete(writer, "gus");
    clock.advance(Duration.ofSeconds(2));

    APIGatewayProxyResponseEvent response = get(reader, "gus");
    assertEquals(404, response.getStatusCode());
    assertEquals("no-store", header(response, "Cache-Control"));
  }

  @Test
  void aWriteInTheSameEnvironmentIsVisibleAtOnce() throws Exception {
    ProfileHandler handler = environmentWith(new TestClock(0));
    put(handler, "hal", "Hal");
    get(handler, "hal");

    put(handler, "hal", "Harold");

    assertEquals("Harold", displayName(get(handler, "hal")));
  }

  @Test
  void anAnswerWithoutTheLocationIsNeverKeptAndCachedInFrontForOneSecond() throws Exception {
    try (FakeLocationService failing = new FakeLocationService()) {
      failing.answer(500, "{}");
      ProfileHandler handler = new ProfileHandler(environment(failing.apiUrl()), new TestClock(0));
      put(handler, "kim", "Kim");
      APIGatewayProxyResponseEvent degraded = get(handler, "kim");
      assertEquals("unavailable", locationStatus(degraded));
      assertEquals(
          "public, max-age=1, stale-while-revalidate=0", header(degraded, "Cache-Control"));

      failing.answer(
          exchange -> FakeLocationService.respond(exchange, 200, LOCATION.formatted("kim")));

      assertEquals("ok", locationStatus(get(handler, "kim")), "read again at once");
    }
  }

  private static String locationStatus(APIGatewayProxyResponseEvent response) throws Exception {
    return Jackson.MAPPER.readTree(response.getBody()).get("locationStatus").asText();
  }

  @Test
  void edgeAgePlusFunctionAgePlusReplicationLagStaysWithinTenSeconds() {
    ProfileHandler handler = environmentWith(new TestClock(0));
    put(handler, "ida", "Ida");
    String cacheControl = header(get(handler, "ida"), "Cache-Control");
    Matcher maxAge = Pattern.compile("max-age=(\\d+)").matcher(cacheControl);
    Matcher stale = Pattern.compile("stale-while-revalidate=(\\d+)").matcher(cacheControl);
    assertTrue(maxAge.find() && stale.find(), cacheControl);

    long functionCacheSeconds = 2; // PublicReadCache.MAX_AGE
    long eventualConsistencySeconds = 1; // DynamoDB: "usually within one second"
    assertTrue(
        Long.parseLong(maxAge.group(1))
                + Long.parseLong(stale.group(1))
                + functionCacheSeconds
                + eventualConsistencySeconds
            <= 10);
  }

  @Test
  void concurrentReadsOfOneUserMakeOneReadOfEachTable() throws Exception {
    int requests = 16;
    // The one read that goes out is held until every request has asked the cache for the user.
    TestClock clock = new TestClock(requests);
    RecordedReads recorded =
        new RecordedReads(
            () -> {
              try {
                assertTrue(clock.asked.await(10, TimeUnit.SECONDS), "requests lined up");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Environment env = environment();
    ProfileHandler writer = environmentWith(Clock.fixed(START, ZoneOffset.UTC));
    put(writer, "jolene", "Jolene");
    int locationCallsBefore = locationService.received().size();
    ProfileHandler handler =
        new ProfileHandler(
            new Profiles(recorded.client(), table),
            LocationClient.fromEnvironment(env),
            clock,
            Optional.empty(),
            Telemetry.from(env).to(Log.Output.DISCARD));

    ExecutorService threads = Executors.newFixedThreadPool(requests);
    try {
      List<Future<APIGatewayProxyResponseEvent>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(threads.submit(() -> get(handler, "jolene")));
      }
      for (Future<APIGatewayProxyResponseEvent> answer : answers) {
        assertEquals(200, answer.get(30, TimeUnit.SECONDS).getStatusCode());
      }
    } finally {
      threads.shutdownNow();
    }

    assertEquals(1, recorded.reads().size(), "profile table reads");
    assertEquals(1, locationService.received().size() - locationCallsBefore, "location calls");
  }
}
