package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The events API Gateway hands Lambda for one request: the REQUEST authorizer's and the proxy
 * integration's (format 1.0), with the request context, headers and query both single- and
 * multi-valued, and a body that is not UTF-8 base64-encoded.
 */
final class ProxyEvents {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final LocalGateway.Settings settings;

  ProxyEvents(LocalGateway.Settings settings) {
    this.settings = settings;
  }

  /** The REQUEST authorizer's event. */
  String authorizer(Call call, String methodArn) {
    return event(
        g -> {
          g.writeStringField("type", "REQUEST");
          g.writeStringField("methodArn", methodArn);
          g.writeStringField("resource", call.match.route().resource());
          g.writeStringField("path", call.path);
          g.writeStringField("httpMethod", call.method);
          writeHeaders(g, call);
          writeQuery(g, call);
          g.writeFieldName("pathParameters");
          writeStrings(g, call.match.pathParameters());
          g.writeObjectFieldStart("stageVariables");
          g.writeEndObject();
          g.writeFieldName("requestContext");
          writeRequestContext(g, call, Caller.ANONYMOUS, false);
        });
  }

  /** Writes an event's members. */
  private interface Members {
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * An event as JSON text, written member by member: a tree built and then written out cost the
   * gateway more than anything else it does per request.
   */
  private static String event(Members members) {
    StringWriter out = new StringWriter(2048);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      members.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeStrings(JsonGenerator g, Map<String, String> values) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, String> e : values.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** The proxy integration's event. */
  String proxy(Call call, ApiRoute route, Caller caller) {
    return event(
        g -> {
          g.writeStringField("resource", route.resource());
          g.writeStringField("path", call.path);
          g.writeStringField("httpMethod", call.method);
          writeHeaders(g, call);
          writeQuery(g, call);
          g.writeFieldName("pathParameters");
          if (call.match.pathParameters().isEmpty()) {
            g.writeNull();
          } else {
            writeStrings(g, call.match.pathParameters());
          }
          g.writeNullField("stageVariables");
          g.writeFieldName("requestContext");
          writeRequestContext(g, call, caller, true);
          if (call.body.length == 0) {
            g.writeNullField("body");
            g.writeBooleanField("isBase64Encoded", false);
          } else if (isUtf8(call.body)) {
            g.writeStringField("body", new String(call.body, StandardCharsets.UTF_8));
            g.writeBooleanField("isBase64Encoded", false);
          } else {
            g.writeStringField("body", Base64.getEncoder().encodeToString(call.body));
            g.writeBooleanField("isBase64Encoded", true);
          }
        });
  }

  /** The headers the gateway sets itself, replacing whatever the client sent under the name. */
  private static final java.util.Set<String> GATEWAY_HEADERS =
      java.util.Set.of("X-Amzn-Trace-Id", "X-Forwarded-Proto", "X-Forwarded-For");

  private void writeHeaders(JsonGenerator g, Call call) throws IOException {
    // The function sees the gateway's trace header, never the client's as sent.
    g.writeObjectFieldStart("headers");
    for (Map.Entry<String, List<String>> h : call.headers.entrySet()) {
      if (!GATEWAY_HEADERS.contains(h.getKey())) {
        g.writeStringField(h.getKey(), h.getValue().get(h.getValue().size() - 1));
      }
    }
    g.writeStringField("X-Amzn-Trace-Id", call.trace);
    g.writeStringField("X-Forwarded-Proto", "http");
    g.writeStringField("X-Forwarded-For", call.sourceIp);
    g.writeEndObject();
    g.writeObjectFieldStart("multiValueHeaders");
    for (Map.Entry<String, List<String>> h : call.headers.entrySet()) {
      if (!GATEWAY_HEADERS.contains(h.getKey())) {
        g.writeArrayFieldStart(h.getKey());
        for (String v : h.getValue()) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
    }
    g.writeArrayFieldStart("X-Amzn-Trace-Id");
    g.writeString(call.trace);
    g.writeEndArray();
    g.writeArrayFieldStart("X-Forwarded-Proto");
    g.writeString("http");
    g.writeEndArray();
    g.writeArrayFieldStart("X-Forwarded-For");
    g.writeString(call.sourceIp);
    g.writeEndArray();
    g.writeEndObject();
  }

  private void writeQuery(JsonGenerator g, Call call) throws IOException {
    if (call.rawQuery == null || call.rawQuery.isEmpty()) {
      g.writeNullField("queryStringParameters");
      g.writeNullField("multiValueQueryStringParameters");
      return;
    }
    Map<String, String> single = new LinkedHashMap<>();
    Map<String, List<String>> multi = new LinkedHashMap<>();
    for (String part : call.rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      single.put(name, value);
      multi.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    g.writeFieldName("queryStringParameters");
    writeStrings(g, single);
    g.writeObjectFieldStart("multiValueQueryStringParameters");
    for (Map.Entry<String, List<String>> e : multi.entrySet()) {
      g.writeArrayFieldStart(e.getKey());
      for (String v : e.getValue()) {
        g.writeString(v);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private void writeRequestContext(
      JsonGenerator g, Call call, Caller caller, boolean withAuthorizer) throws IOException {
    g.writeStartObject();
    g.writeStringField("resourceId", Integer.toHexString(call.match.route().resource().hashCode()));
    g.writeStringField("resourcePath", call.match.route().resource());
    g.writeStringField("httpMethod", call.method);
    g.writeStringField("extendedRequestId", call.requestId);
    g.writeStringField(
        "requestTime", REQUEST_TIME.format(java.time.Instant.ofEpochMilli(call.startMillis)));
    g.writeStringField("path", "/" + settings.stage() + call.path);
    g.writeStringField("accountId", settings.accountId());
    g.writeStringField("protocol", "HTTP/1.1");
    g.writeStringField("stage", settings.stage());
    g.writeStringField("domainPrefix", settings.apiId());
    g.writeNumberField("requestTimeEpoch", call.startMillis);
    g.writeStringField("requestId", call.requestId);
    g.writeObjectFieldStart("identity");
    g.writeStringField("sourceIp", call.sourceIp);
    g.writeStringField("userAgent", call.header("User-Agent"));
    g.writeStringField("accessKey", caller.accessKey());
    g.writeStringField("caller", caller.accessKey());
    g.writeStringField("user", caller.accessKey());
    g.writeEndObject();
    g.writeStringField("domainName", call.host);
    g.writeStringField("apiId", settings.apiId());
    if (withAuthorizer && caller.authorizer() != null) {
      // The authorizer's context, with principalId first (a context member of that name wins, as
      // it did when this was a tree) and integrationLatency last.
      JsonNode context = caller.authorizer().path("context");
      g.writeObjectFieldStart("authorizer");
      JsonNode principal =
          context.has("principalId")
              ? context.get("principalId")
              : JSON.getNodeFactory().textNode(caller.authorizer().path("principalId").asText());
      g.writeFieldName("principalId");
      g.writeTree(principal);
      for (Map.Entry<String, JsonNode> e : context.properties()) {
        if (!e.getKey().equals("principalId") && !e.getKey().equals("integrationLatency")) {
          g.writeFieldName(e.getKey());
          g.writeTree(e.getValue());
        }
      }
      g.writeNumberField("integrationLatency", 0);
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
