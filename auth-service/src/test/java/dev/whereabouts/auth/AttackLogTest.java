package dev.whereabouts.auth;

import static dev.whereabouts.auth.AuthRequests.login;
import static dev.whereabouts.auth.AuthRequests.register;
import static dev.whereabouts.auth.AuthRequests.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.LogLines;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the logs show of an attack: failed and refused logins name the targeted userId and the
 * client's address, and every line of a request carries its correlation id, the authorizer's too.
 */
@ExtendWith(SecretScan.class)
class AttackLogTest {
  private static final Instant NOW = Instant.parse("2099-11-23T10:15:30.123Z");

  private static AuthHandler handler;
  private static Authorizer authorizer;

  @BeforeAll
  static void functions() {
    Environment environment = Environment.of(AuthRequests.environment(AuthRequests.newTable()));
    handler =
        new AuthHandler(
            environment, new TestClock(NOW), new Passwords(new Passwords.Cost(256, 1, 1)));
    authorizer = new Authorizer(environment, new TestClock(NOW));
  }

  /** The JSON log lines {@code action} printed. */
  private static List<JsonNode> linesOf(LogLines.Action action) {
    try {
      return LogLines.of(action);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<JsonNode> withMessage(List<JsonNode> lines, String prefix) {
    return lines.stream().filter(l -> l.path("message").asText().startsWith(prefix)).toList();
  }

  private static APIGatewayProxyRequestEvent wrongLogin(String userId) {
    APIGatewayProxyRequestEvent event = login(userId, "not the password at all");
    event.getHeaders().put("X-Correlation-Id", "brute-7");
    return event;
  }

  @Test
  void aFailedLoginLogsTheTargetedUserIdAndTheSourceAddressButNoPassword() {
    assertEquals(
        201, StreamInvocations.call(handler, register("ivan", "ivan's password")).getStatusCode());
    List<JsonNode> lines =
        linesOf(
            () ->
                assertEquals(
                    401, StreamInvocations.call(handler, wrongLogin("ivan")).getStatusCode()));
    List<JsonNode> failed = withMessage(lines, "login failed");
    assertEquals(1, failed.size(), lines.toString());
    JsonNode line = failed.get(0);
    assertEquals("WARN", line.get("level").asText());
    assertEquals("ivan", line.get("targetUserId").asText());
    assertEquals("203.0.113.17", line.get("sourceIp").asText(), "the fixture's sourceIp");
    assertEquals("brute-7", line.get("correlationId").asText());
    assertFalse(line.toString().contains("not the password at all"));
  }

  @Test
  void theLockOutAndEveryRefusalAfterItAreLoggedForUnknownUserIdsToo() {
    List<JsonNode> lines =
        linesOf(
            () -> {
              for (int i = 0; i < Users.MAX_FAILURES + 1; i++) {
                StreamInvocations.call(handler, wrongLogin("nobody-here"));
              }
            });
    assertEquals(
        Users.MAX_FAILURES - 1,
        lines.stream().filter(l -> l.path("message").asText().equals("login failed")).count());
    List<JsonNode> lockedNow = withMessage(lines, "login failed: locked now");
    assertEquals(1, lockedNow.size(), lines.toString());
    assertEquals("nobody-here", lockedNow.get(0).get("targetUserId").asText());
    List<JsonNode> refused = withMessage(lines, "login refused: locked");
    assertEquals(1, refused.size());
    assertEquals("nobody-here", refused.get(0).get("targetUserId").asText());
    assertEquals("203.0.113.17", refused.get(0).get("sourceIp").asText());
  }

  private static APIGatewayCustomAuthorizerEvent authorizerEvent(
      String authorization, String correlationId) {
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("Authorization", authorization);
    headers.remove("X-Correlation-Id");
    if (correlationId != null) {
      headers.put("X-Correlation-Id", correlationId);
    }
    event.setHeaders(headers);
    return event;
  }

  @Test
  void theAuthorizerMakesUpACorrelationIdWhenTheClientSentNoneOrABadOneAndHandsItOn() {
    assertEquals(
        201, StreamInvocations.call(handler, register("jana", "jana's password")).getStatusCode());
    String token = token(StreamInvocations.call(handler, login("jana", "jana's password")));
    for (String offered : new String[] {null, "not ok!"}) {
      AtomicReference<Map<String, Object>> result = new AtomicReference<>();
      List<JsonNode> lines =
          linesOf(
              () ->
                  result.set(
                      StreamInvocations.authorize(
                          authorizer, authorizerEvent("Bearer " + token, offered))));
      assertEquals(1, lines.size());
      String madeUp = lines.get(0).get("correlationId").asText();
      assertTrue(madeUp.matches("^[A-Za-z0-9._-]{1,64}$"), madeUp);
      @SuppressWarnings("unchecked")
      Map<String, Object> context = (Map<String, Object>) result.get().get("context");
      assertEquals(madeUp, context.get("correlationId"), "the function logs the same id");
    }
  }

  @Test
  void aDeniedTokenIsLoggedWithAMadeUpCorrelationIdAndTheSourceAddress() {
    Supplier<APIGatewayCustomAuthorizerEvent> bad = () -> authorizerEvent("Bearer x", null);
    List<JsonNode> lines =
        linesOf(
            () ->
                assertThrows(
                    Unauthorized.class, () -> StreamInvocations.authorize(authorizer, bad.get())));
    assertEquals(1, lines.size());
    assertEquals("deny", lines.get(0).get("outcome").asText());
    assertTrue(lines.get(0).hasNonNull("correlationId"));
    assertTrue(lines.get(0).hasNonNull("sourceIp"));
  }
}
