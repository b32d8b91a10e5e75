package dev.whereabouts.shared.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What an HTTP function reads from an API Gateway REST proxy event, read straight from the event's
 * bytes.
 *
 * <p>Why not the runtime's {@code APIGatewayProxyRequestEvent}: Lambda's Java runtime builds that
 * object with a reflective serializer whose first use costs about half a second of every cold
 * start; a token-level read of the dozen fields used here costs a few milliseconds (see
 * docs/performance.md). Unknown fields are skipped, so a new field in API Gateway's event breaks
 * nothing.
 *
 * @param httpMethod as sent, e.g. {@code GET}
 * @param resource the API Gateway resource, e.g. {@code /profiles/{userId}}
 * @param headers single-value headers (API Gateway keeps the last of repeated ones)
 * @param pathParameters the resource's path parameters
 * @param body the body as API Gateway passes it (base64 when {@code base64Encoded})
 * @param base64Encoded whether the body is base64
 * @param requestId {@code requestContext.requestId}
 * @param apiId {@code requestContext.apiId}
 * @param stage {@code requestContext.stage}
 * @param sourceIp {@code requestContext.identity.sourceIp}: the client's address as API Gateway saw
 *     it
 * @param authorizer {@code requestContext.authorizer}: the context the REQUEST authorizer returned
 *     (scalar values as text)
 */
public record ProxyEvent(
    String httpMethod,
    String resource,
    Map<String, String> headers,
    Map<String, String> pathParameters,
    String body,
    boolean base64Encoded,
    String requestId,
    String apiId,
    String stage,
    String sourceIp,
    Map<String, String> authorizer) {
  /**
   * Jackson's defaults, not the request body's strict limits: API Gateway's event is trusted JSON
   * and may carry a body larger than the API accepts, which {@link Request} refuses with 413.
   */
  private static final JsonFactory EVENTS = new JsonFactory();

  /**
   * Reads an event.
   *
   * @throws IOException when the bytes are not a JSON object (API Gateway never sends that)
   */
  public static ProxyEvent read(InputStream in) throws IOException {
    try (JsonParser p = EVENTS.createParser(in)) {
      return read(p);
    }
  }

  /** Reads an event from bytes. */
  public static ProxyEvent read(byte[] event) throws IOException {
    try (JsonParser p = EVENTS.createParser(event)) {
      return read(p);
    }
  }

  private static ProxyEvent read(JsonParser p) throws IOException {
    expect(p.nextToken(), JsonToken.START_OBJECT);
    String method = null;
    String resource = null;
    Map<String, String> headers = Map.of();
    Map<String, String> pathParameters = Map.of();
    String body = null;
    boolean base64 = false;
    Map<String, String> context = Map.of();
    Map<String, String> authorizer = Map.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "httpMethod" -> method = text(p);
        case "resource" -> resource = text(p);
        case "headers" -> headers = strings(p);
        case "pathParameters" -> pathParameters = strings(p);
        case "body" -> body = text(p);
        case "isBase64Encoded" -> base64 = value == JsonToken.VALUE_TRUE;
        case "requestContext" -> {
          if (value == JsonToken.START_OBJECT) {
            Map<String, String> fields = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if (field.equals("authorizer")) {
                authorizer = strings(p);
              } else if (field.equals("identity")) {
                String sourceIp = strings(p).get("sourceIp");
                if (sourceIp != null) {
                  fields.put("sourceIp", sourceIp);
                }
              } else if (p.currentToken().isScalarValue()) {
                fields.put(field, text(p));
              } else {
                p.skipChildren();
              }
            }
            context = fields;
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return new ProxyEvent(
        method,
        resource,
        headers,
        pathParameters,
        body,
        base64,
        context.get("requestId"),
        context.get("apiId"),
        context.get("stage"),
        context.get("sourceIp"),
        authorizer);
  }

  /** An object's scalar values as strings (nested values skipped); null as an empty map. */
  static Map<String, String> strings(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return Map.of();
    }
    Map<String, String> map = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else if (value != JsonToken.VALUE_NULL) {
        map.put(key, p.getText());
      }
    }
    return map;
  }

  private static String text(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    return p.getText();
  }

  /**
   * A REST proxy event as API Gateway sends it, for invocations API Gateway does not make
   * (SnapStart priming): {@code method} on {@code resource}, from {@code https}.
   */
  public static Builder builder(String method, String resource) {
    return new Builder(method, resource);
  }

  /** Builds a proxy event's bytes, one named part at a time; unset parts are left out. */
  public static final class Builder {
    private final JsonObject event = Json.object();
    private final JsonObject headers;
    private final JsonObject context;

    private Builder(String method, String resource) {
      event.put("resource", resource);
      event.put("httpMethod", method);
      headers = event.putObject("headers");
      headers.put("X-Forwarded-Proto", "https");
      context = event.putObject("requestContext");
      event.putNull("body");
      event.put("isBase64Encoded", false);
    }

    /** A path parameter of the resource, such as {@code userId}. */
    public Builder pathParameter(String name, String value) {
      JsonObject parameters =
          event.has("pathParameters") ? event.object("pathParameters") : Json.object();
      event.put("pathParameters", parameters.put(name, value));
      return this;
    }

    /** The user the REQUEST authorizer vouched for, as its context hands it to the function. */
    public Builder caller(String userId) {
      context.putObject("authorizer").put("principalId", userId).put("userId", userId);
      return this;
    }

    /** A JSON body, with {@code Content-Type: application/json}. */
    public Builder jsonBody(String json) {
      headers.put("Content-Type", "application/json");
      event.put("body", json);
      return this;
    }

    /** The request context's request id, REST API id and stage. */
    public Builder requestContext(String requestId, String apiId, String stage) {
      context.put("requestId", requestId);
      context.put("apiId", apiId);
      context.put("stage", stage);
      return this;
    }

    /** The event as the bytes Lambda hands a stream handler. */
    public byte[] toBytes() {
      return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("an API Gateway event must be a JSON object, not " + actual);
    }
  }
}
