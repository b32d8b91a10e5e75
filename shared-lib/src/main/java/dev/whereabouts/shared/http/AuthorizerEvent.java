package dev.whereabouts.shared.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the REQUEST authorizer reads from API Gateway's authorizer event, read straight from the
 * event's bytes as {@link ProxyEvent} reads a proxy event (the other place that knows API Gateway's
 * field names). Unknown fields are skipped.
 *
 * @param methodArn {@code methodArn}: the method and path called ({@code ""} when absent)
 * @param headers the request's headers, by case-insensitive name
 * @param requestId {@code requestContext.requestId}
 * @param sourceIp {@code requestContext.identity.sourceIp}: the client's address as API Gateway saw
 *     it
 */
public record AuthorizerEvent(
    String methodArn,
    Map<String, String> headers,
    Optional<String> requestId,
    Optional<String> sourceIp) {
  private static final JsonFactory EVENTS = new JsonFactory();

  /** A header by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /**
   * Reads an event; JSON that is not an object reads as an event with nothing in it (denied).
   *
   * @throws IOException when the bytes are not JSON (API Gateway never sends that)
   */
  public static AuthorizerEvent read(InputStream in) throws IOException {
    try (JsonParser p = EVENTS.createParser(in)) {
      String methodArn = "";
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      Optional<String> requestId = Optional.empty();
      Optional<String> sourceIp = Optional.empty();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        return new AuthorizerEvent(methodArn, headers, requestId, sourceIp);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "methodArn" -> methodArn = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
          case "headers" -> headers.putAll(ProxyEvent.strings(p));
          case "requestContext" -> {
            if (value != JsonToken.START_OBJECT) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if (field.equals("requestId") && p.currentToken() == JsonToken.VALUE_STRING) {
                requestId = Optional.of(p.getText());
              } else if (field.equals("identity")) {
                sourceIp = Optional.ofNullable(ProxyEvent.strings(p).get("sourceIp"));
              } else {
                p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      return new AuthorizerEvent(methodArn, headers, requestId, sourceIp);
    }
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return "";
  }

  /**
   * A REQUEST authorizer event as API Gateway sends it, for invocations API Gateway does not make
   * (SnapStart priming).
   */
  public static Builder builder(String methodArn) {
    return new Builder(methodArn);
  }

  /** Builds an authorizer event's bytes, one named part at a time. */
  public static final class Builder {
    private final JsonObject event = Json.object();
    private final JsonObject headers;
    private final JsonObject context;

    private Builder(String methodArn) {
      event.put("type", "REQUEST");
      event.put("methodArn", methodArn);
      headers = event.putObject("headers");
      context = event.putObject("requestContext");
    }

    /** A request header. */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** The request context's request id and the client's address. */
    public Builder requestContext(String requestId, String sourceIp) {
      context.put("requestId", requestId);
      context.putObject("identity").put("sourceIp", sourceIp);
      return this;
    }

    /** The event as the bytes Lambda hands a stream handler. */
    public byte[] toBytes() {
      return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }
  }
}
