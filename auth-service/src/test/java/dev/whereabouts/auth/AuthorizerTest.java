package dev.whereabouts.auth;

import static dev.whereabouts.auth.AuthRequests.login;
import static dev.whereabouts.auth.AuthRequests.register;
import static dev.whereabouts.auth.AuthRequests.revoke;
import static dev.whereabouts.auth.AuthRequests.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The REQUEST authorizer, fed real API Gateway authorizer events. */
@ExtendWith(SecretScan.class)
class AuthorizerTest {
  /**
   * The tests' fixed "now". Far in the future on purpose: DynamoDB Local's TTL sweeper deletes
   * items whose expiresAt has passed in real time, which would make ghosts and tokens vanish
   * mid-test.
   */
  private static final Instant NOW = Instant.parse("2099-11-23T10:15:30.123Z");

  private static final String STAGE_WILDCARD =
      "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*";

  private static AuthHandler handler;
  private static Environment environment;
  private static Authorizer authorizer;

  @BeforeAll
  static void functions() {
    environment = Environment.of(AuthRequests.environment(AuthRequests.newTable()));
    handler =
        new AuthHandler(
            environment, new TestClock(NOW), new Passwords(new Passwords.Cost(256, 1, 1)));
    authorizer = new Authorizer(environment, new TestClock(NOW));
  }

  private static String tokenFor(String userId) {
    assertEquals(
        201,
        StreamInvocations.call(handler, register(userId, userId + "'s password")).getStatusCode());
    return token(StreamInvocations.call(handler, login(userId, userId + "'s password")));
  }

  /** The fixture, with its Authorization header set as given (removed when null). */
  private static APIGatewayCustomAuthorizerEvent event(String authorization) {
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.remove("Authorization");
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    event.setHeaders(headers);
    return event;
  }

  private static void assertUnauthorized(
      Authorizer authorizer, APIGatewayCustomAuthorizerEvent event) {
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> StreamInvocations.authorize(authorizer, event));
    assertEquals("Unauthorized", e.getMessage());
    assertEquals(0, e.getStackTrace().length, "an answer, not a bug: no stack trace");
  }

  @Test
  void theFixtureIsARestRequestAuthorizerEvent() {
    APIGatewayCustomAuthorizerEvent event = event(null);
    assertEquals("REQUEST", event.getType());
    assertEquals("PUT", event.getHttpMethod());
    assertEquals("/locations/{userId}", event.getResource());
    assertEquals("7d3e2a10-0b4f-4f4e-9c55-2d1f0e9a8b7c", event.getRequestContext().getRequestId());
  }

  @Test
  void aValidTokenIsAllowedOnEveryRouteOfTheStage() {
    String token = tokenFor("michael");
    Map<String, Object> result = StreamInvocations.authorize(authorizer, event("Bearer " + token));
    JsonNode json = Jackson.MAPPER.valueToTree(result);
    assertEquals("michael", json.get("principalId").asText());
    assertEquals("2012-10-17", json.at("/policyDocument/Version").asText());
    assertEquals(1, json.at("/policyDocument/Statement").size());
    JsonNode statement = json.at("/policyDocument/Statement/0");
    assertEquals("execute-api:Invoke", statement.get("Action").asText());
    assertEquals("Allow", statement.get("Effect").asText());
    assertEquals(STAGE_WILDCARD, statement.get("Resource").asText());
    assertEquals("michael", json.at("/context/userId").asText());
    assertEquals(3, json.size(), "principalId, policyDocument, context");
  }

  @Test
  void theSchemeAndTheHeaderNameAreCaseInsensitive() {
    String token = tokenFor("nadia");
    APIGatewayCustomAuthorizerEvent event = event(null);
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "bEaReR " + token);
    event.setHeaders(headers);
    assertEquals("nadia", StreamInvocations.authorize(authorizer, event).get("principalId"));
  }

  @Test
  void theWildcardKeepsTheApiStageRegionAndAccountOfTheMethodArn() {
    String token = tokenFor("oskar");
    APIGatewayCustomAuthorizerEvent event = event("Bearer " + token);
    event.setMethodArn("arn:aws:execute-api:us-east-1:210987654321:zz99yy88xx/beta/GET/");
    @SuppressWarnings("unchecked")
    Map<String, Object> policy =
        (Map<String, Object>) StreamInvocations.authorize(authorizer, event).get("policyDocument");
    @SuppressWarnings("unchecked")
    Map<String, Object> statement = ((List<Map<String, Object>>) policy.get("Statement")).get(0);
    assertEquals(
        "arn:aws:execute-api:us-east-1:210987654321:zz99yy88xx/beta/*/*",
        statement.get("Resource"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Bearer",
        "Bearer ",
        "Basic bWljaGFlbDpjb3JyZWN0IGhvcnNlIGJhdHRlcnk=",
        "Bearer not-a-token",
        "Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ+",
        "Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS",
        "Token abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
      })
  void aMalformedAuthorizationHeaderIsUnauthorized(String header) {
    assertUnauthorized(authorizer, event(header));
  }

  @Test
  void aMissingAuthorizationHeaderIsUnauthorized() {
    assertUnauthorized(authorizer, event(null));
    APIGatewayCustomAuthorizerEvent noHeaders = event(null);
    noHeaders.setHeaders(null);
    assertUnauthorized(authorizer, noHeaders);
  }

  @Test
  void anUnknownTokenIsUnauthorized() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String unknown = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    SecretScan.remember(unknown);
    assertUnauthorized(authorizer, event("Bearer " + unknown));
  }

  @Test
  void aTokenIsValidForOneHourAndNotAMomentLonger() {
    String token = tokenFor("paula");
    Authorizer justBefore =
        new Authorizer(environment, new TestClock(NOW.plus(Duration.ofMinutes(59))));
    assertEquals(
        "paula",
        StreamInvocations.authorize(justBefore, event("Bearer " + token)).get("principalId"));
    Authorizer atExpiry =
        new Authorizer(environment, new TestClock(NOW.plus(Tokens.TOKEN_LIFETIME)));
    assertUnauthorized(atExpiry, event("Bearer " + token));
    Authorizer later = new Authorizer(environment, new TestClock(NOW.plus(Duration.ofDays(2))));
    assertUnauthorized(later, event("Bearer " + token));
  }

  @Test
  void aRevokedTokenIsUnauthorizedAtOnce() {
    String token = tokenFor("quentin");
    assertEquals(
        "quentin",
        StreamInvocations.authorize(authorizer, event("Bearer " + token)).get("principalId"));
    assertEquals(
        204, StreamInvocations.call(handler, revoke("quentin", "Bearer " + token)).getStatusCode());
    assertUnauthorized(authorizer, event("Bearer " + token));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5",
        "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod",
        "arn:aws:lambda:eu-central-1:123456789012:a1b2c3d4e5/prod/GET/x",
        "arn:aws:execute-api:eu-central-1:1234:a1b2c3d4e5/prod/GET/x",
        "arn:aws:execute-api:eu-central-1:123456789012:a1b2/c3d4e5/prod/get/x"
      })
  void aMalformedMethodArnIsUnauthorized(String methodArn) {
    String token = tokenFor("rita-" + Integer.toHexString(methodArn.hashCode() & 0xfff));
    APIGatewayCustomAuthorizerEvent event = event("Bearer " + token);
    event.setMethodArn(methodArn.isEmpty() ? null : methodArn);
    assertUnauthorized(authorizer, event);
  }

  @Test
  void logsOneLinePerDecisionWithoutTheToken() throws Exception {
    String token = tokenFor("stan");
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      StreamInvocations.authorize(authorizer, event("Bearer " + token));
      APIGatewayCustomAuthorizerEvent badCorrelation = event("Bearer x");
      badCorrelation.getHeaders().put("X-Correlation-Id", "not ok!");
      assertThrows(
          Unauthorized.class, () -> StreamInvocations.authorize(authorizer, badCorrelation));
    } finally {
      System.setOut(original);
    }
    String output = out.toString(StandardCharsets.UTF_8);
    assertFalse(output.contains(token));
    assertFalse(output.contains(Tokens.hash(token)));
    String[] lines = output.strip().split("\n");
    assertEquals(2, lines.length);
    JsonNode allow = Jackson.MAPPER.readTree(lines[0]);
    assertEquals("allow", allow.get("outcome").asText());
    assertEquals("stan", allow.get("userId").asText());
    assertEquals("7d3e2a10-0b4f-4f4e-9c55-2d1f0e9a8b7c", allow.get("requestId").asText());
    assertEquals("session-42", allow.get("correlationId").asText());
    assertEquals("auth", allow.get("service").asText());
    JsonNode deny = Jackson.MAPPER.readTree(lines[1]);
    assertEquals("deny", deny.get("outcome").asText());
    assertNull(deny.get("userId"));
    assertFalse(
        deny.get("correlationId").asText().contains("not ok"),
        "a malformed correlation id is replaced by a made-up one, not logged");
    assertTrue(deny.get("reason").asText().contains("malformed"));
  }
}
