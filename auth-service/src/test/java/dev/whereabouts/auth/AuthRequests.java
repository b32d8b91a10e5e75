package dev.whereabouts.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.SecretScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Events and helpers shared by the auth tests. Every password and token passes SecretScan. */
final class AuthRequests {
  private AuthRequests() {}

  /** A fresh auth table, as template.yaml defines it (key {@code pk}, TTL on expiresAt). */
  static String newTable() {
    return LocalDynamoDb.createTable("auth", AuthTable.KEY, AuthTable.TTL_ATTRIBUTE);
  }

  static Map<String, String> environment(String table) {
    return LocalDynamoDb.environment(Map.of("TABLE_NAME", table));
  }

  static String credentials(String userId, String password) {
    SecretScan.remember(password);
    JsonObject body = Json.object();
    body.put("userId", userId);
    body.put("password", password);
    return Json.write(body);
  }

  static APIGatewayProxyRequestEvent register(String userId, String password) {
    return registerBody(credentials(userId, password));
  }

  static APIGatewayProxyRequestEvent registerBody(String body) {
    rememberPasswordIn(body);
    return ApiEvents.request("POST", "/auth/users", "/auth/users").json(body).build();
  }

  static APIGatewayProxyRequestEvent login(String userId, String password) {
    return loginBody(credentials(userId, password));
  }

  static APIGatewayProxyRequestEvent loginBody(String body) {
    rememberPasswordIn(body);
    return ApiEvents.request("POST", "/auth/tokens", "/auth/tokens").json(body).build();
  }

  static APIGatewayProxyRequestEvent revoke(String caller, String authorization) {
    ApiEvents e = ApiEvents.request("DELETE", "/auth/tokens/current", "/auth/tokens/current");
    if (authorization != null) {
      e.header("Authorization", authorization);
    }
    return (caller == null ? e : e.caller(caller)).build();
  }

  static JsonNode json(APIGatewayProxyResponseEvent response) {
    try {
      return Jackson.MAPPER.readTree(response.getBody());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The access token of a 201 login response, remembered as a secret. */
  static String token(APIGatewayProxyResponseEvent response) {
    String token = json(response).get("accessToken").asText();
    SecretScan.remember(token);
    return token;
  }

  /** A problem body without its requestId, for comparing two answers. */
  static JsonNode withoutRequestId(APIGatewayProxyResponseEvent response) {
    ObjectNode body = (ObjectNode) json(response);
    body.remove("requestId");
    return body;
  }

  private static void rememberPasswordIn(String body) {
    try {
      JsonNode node = Jackson.MAPPER.readTree(body);
      if (node != null && node.isObject() && node.path("password").isTextual()) {
        SecretScan.remember(node.get("password").asText());
      }
    } catch (IOException e) {
      // not JSON: nothing a password could be read from
    }
  }
}
