package dev.whereabouts.auth;

import static dev.whereabouts.auth.AuthRequests.login;
import static dev.whereabouts.auth.AuthRequests.register;
import static dev.whereabouts.auth.AuthRequests.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** A token belongs to the account it was issued for, not only to a userId (API.md). */
@ExtendWith(SecretScan.class)
class TokenBindingTest {
  /** Far in the future: the engine's TTL sweeper must not delete the tests' tokens. */
  private static final Instant NOW = Instant.parse("2099-11-23T10:15:30.123Z");

  private static String table;
  private static AuthHandler handler;
  private static Authorizer authorizer;

  @BeforeAll
  static void functions() {
    table = AuthRequests.newTable();
    Environment environment = Environment.of(AuthRequests.environment(table));
    handler =
        new AuthHandler(
            environment, new TestClock(NOW), new Passwords(new Passwords.Cost(256, 1, 1)));
    authorizer = new Authorizer(environment, new TestClock(NOW));
  }

  private static APIGatewayProxyResponseEvent call(APIGatewayProxyRequestEvent event) {
    return StreamInvocations.call(handler, event);
  }

  private static String registeredWithToken(String userId, String password) {
    assertEquals(201, call(register(userId, password)).getStatusCode());
    return loggedIn(userId, password);
  }

  private static String loggedIn(String userId, String password) {
    APIGatewayProxyResponseEvent response = call(login(userId, password));
    assertEquals(201, response.getStatusCode(), response.getBody());
    return token(response);
  }

  /** The userId the authorizer lets the token act as, or null when it refuses it. */
  private static String authorizedAs(String token) {
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("Authorization", "Bearer " + token);
    event.setHeaders(headers);
    try {
      return (String) StreamInvocations.authorize(authorizer, event).get("principalId");
    } catch (Unauthorized refused) {
      return null;
    }
  }

  private static void deleteUserItem(String userId) {
    LocalDynamoDb.client()
        .deleteItem(
            DeleteItemRequest.builder()
                .tableName(table)
                .key(Map.of(AuthTable.KEY, AttributeValue.fromS(AuthTable.USER_PREFIX + userId)))
                .build());
  }

  private static APIGatewayProxyRequestEvent signOutEverywhere(String caller) {
    return ApiEvents.request("DELETE", "/auth/tokens", "/auth/tokens").caller(caller).build();
  }

  @Test
  void aTokenOfADeletedUserIsRefused() {
    String token = registeredWithToken("ada", "ada's password");
    assertEquals("ada", authorizedAs(token));
    deleteUserItem("ada");
    assertNull(authorizedAs(token));
  }

  @Test
  void aTokenIssuedBeforeTheUserIdWasRegisteredAgainIsRefused() {
    String old = registeredWithToken("bea", "bea's first password");
    deleteUserItem("bea");
    String fresh = registeredWithToken("bea", "someone else's password");
    assertNull(authorizedAs(old), "the old account's token does not reach the new account");
    assertEquals("bea", authorizedAs(fresh));
  }

  @Test
  void signingOutEverywhereRevokesEveryTokenOfTheCallerAndNoOneElses() {
    String first = registeredWithToken("cleo", "cleo's password");
    String second = loggedIn("cleo", "cleo's password");
    String someoneElse = registeredWithToken("dora", "dora's password");

    APIGatewayProxyResponseEvent response = call(signOutEverywhere("cleo"));

    assertEquals(204, response.getStatusCode(), response.getBody());
    assertNull(authorizedAs(first));
    assertNull(authorizedAs(second));
    assertEquals("dora", authorizedAs(someoneElse));
    assertEquals("cleo", authorizedAs(loggedIn("cleo", "cleo's password")), "a new login works");
  }

  @Test
  void signingOutEverywhereWithoutAuthorizerContextIs401AndRevokesNothing() {
    String token = registeredWithToken("edda", "edda's password");
    APIGatewayProxyResponseEvent response =
        call(ApiEvents.request("DELETE", "/auth/tokens", "/auth/tokens").build());
    assertEquals(401, response.getStatusCode());
    assertEquals("edda", authorizedAs(token));
  }

  @Test
  void aUserRegisteredBeforeTokenGenerationsGetsOneAtTheNextLogin() {
    assertEquals(201, call(register("fina", "fina's password")).getStatusCode());
    LocalDynamoDb.client()
        .updateItem(
            UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(AuthTable.KEY, AttributeValue.fromS(AuthTable.USER_PREFIX + "fina")))
                .updateExpression("REMOVE " + AuthTable.TOKEN_GENERATION)
                .build());
    assertEquals("fina", authorizedAs(loggedIn("fina", "fina's password")));
  }

  @Test
  void aTokenStoredWithoutAGenerationIsRefused() {
    assertEquals(201, call(register("gala", "gala's password")).getStatusCode());
    byte[] bytes = new byte[Tokens.TOKEN_BYTES];
    new SecureRandom().nextBytes(bytes);
    String legacy = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    SecretScan.remember(legacy);
    LocalDynamoDb.client()
        .putItem(
            PutItemRequest.builder()
                .tableName(table)
                .item(
                    Map.of(
                        AuthTable.KEY,
                        AttributeValue.fromS(AuthTable.TOKEN_PREFIX + Tokens.hash(legacy)),
                        AuthTable.USER_ID,
                        AttributeValue.fromS("gala"),
                        AuthTable.TTL_ATTRIBUTE,
                        AttributeValue.fromN(Long.toString(NOW.getEpochSecond() + 3600))))
                .build());
    assertNull(authorizedAs(legacy));
  }

  @Test
  void aRefusedTokenIsAnUnauthorizedNotAnError() {
    String token = registeredWithToken("hana", "hana's password");
    deleteUserItem("hana");
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("Authorization", "Bearer " + token);
    event.setHeaders(headers);
    assertEquals(
        "Unauthorized",
        assertThrows(Unauthorized.class, () -> StreamInvocations.authorize(authorizer, event))
            .getMessage());
  }
}
