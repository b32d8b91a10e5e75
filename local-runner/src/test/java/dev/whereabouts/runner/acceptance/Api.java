package dev.whereabouts.runner.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** A small HTTP client for the API, with the assertions every problem response must pass. */
public final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Api() {}

  /** A fresh user id, so tests can run again and again against one deployed stage. */
  public static String newUserId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** One response, body parsed when it is JSON. */
  public record Reply(int status, HttpResponse<String> raw, JsonNode json) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** Sends a request; {@code body} may be null, {@code headers} are name/value pairs. */
  public static Reply send(String method, String path, String body, String... headers) {
    return sendTo(SuiteUnderTest.baseUrl(), method, path, body, headers);
  }

  /** Sends a request to another suite (a runner of a test's own). */
  public static Reply sendTo(
      String baseUrl, String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (!response.body().isEmpty()) {
        try {
          json = JSON.readTree(response.body());
        } catch (IOException notJson) {
          json = null;
        }
      }
      return new Reply(response.statusCode(), response, json);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a JSON body. */
  public static Reply json(String method, String path, String body, String... headers) {
    return jsonTo(SuiteUnderTest.baseUrl(), method, path, body, headers);
  }

  /** Sends a JSON body to another suite (a runner of a test's own). */
  public static Reply jsonTo(
      String baseUrl, String method, String path, String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return sendTo(baseUrl, method, path, body, all);
  }

  /** Registers a user and logs in; returns the bearer token. */
  public static String registeredToken(String userId, String password) {
    String credentials = "{\"userId\":\"" + userId + "\",\"password\":\"" + password + "\"}";
    assertEquals(201, json("POST", "/auth/users", credentials).status());
    Reply login = json("POST", "/auth/tokens", credentials);
    assertEquals(201, login.status(), login.raw().body());
    return login.json().get("accessToken").asText();
  }

  /** Asserts an RFC 9457 problem with the API's fields, from the gateway or a function. */
  public static JsonNode assertProblem(Reply reply, int status) {
    assertEquals(status, reply.status(), reply.raw().body());
    String contentType = reply.header("Content-Type");
    assertTrue(
        contentType != null && contentType.startsWith("application/problem+json"),
        "Content-Type " + contentType + " for " + reply.raw().body());
    JsonNode p = reply.json();
    for (String field : new String[] {"type", "title", "status", "detail", "requestId"}) {
      assertTrue(p.has(field), "problem lacks '" + field + "': " + reply.raw().body());
    }
    assertEquals(status, p.get("status").asInt());
    assertFalse(reply.raw().body().contains("Exception"), reply.raw().body());
    // Functions answer X-Request-Id; answers of the gateway itself carry API Gateway's
    // x-amzn-RequestId (a gateway response cannot map the request id into a header).
    String requestId =
        reply.header("X-Request-Id") != null
            ? reply.header("X-Request-Id")
            : reply.header("x-amzn-RequestId");
    assertEquals(
        p.get("requestId").asText(), requestId, "the header and the body name the same request");
    return p;
  }
}
