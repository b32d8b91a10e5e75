package dev.whereabouts.shared.http;

import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a route answers: a status, headers and an optional JSON body. Immutable. */
public record Response(int status, Map<String, String> headers, String body) {
  public Response {
    headers = Map.copyOf(headers);
  }

  /** 200 with a JSON body. */
  public static Response ok(JsonObject body) {
    return json(200, body);
  }

  /** 201 with a JSON body. */
  public static Response created(JsonObject body) {
    return json(201, body);
  }

  /** 204, no body. */
  public static Response noContent() {
    return new Response(204, Map.of(), null);
  }

  /** Any status with a JSON body. */
  public static Response json(int status, JsonObject body) {
    return new Response(status, Map.of("Content-Type", "application/json"), Json.write(body));
  }

  /** This response with {@code ETag: "<version>"}. */
  public Response withETag(long version) {
    return withHeader("ETag", "\"" + version + "\"");
  }

  /** This response with one more header. */
  public Response withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Response(status, copy, body);
  }
}
