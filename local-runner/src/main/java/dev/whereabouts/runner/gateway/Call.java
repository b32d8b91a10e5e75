package dev.whereabouts.runner.gateway;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The gateway's view of one request in flight. */
final class Call {
  final String requestId = requestId();
  final long startNanos = System.nanoTime();
  final long startMillis;
  private final LocalGateway.Settings settings;
  String method;
  String rawPath;
  String path;
  String rawQuery;
  String host;
  String sourceIp;
  Map<String, List<String>> headers = new LinkedHashMap<>();
  byte[] body;
  RouteTable.Match match;
  double functionMs;
  String trace;

  Call(LocalGateway.Settings settings, Clock clock) {
    this.settings = settings;
    this.startMillis = clock.millis();
  }

  Map<String, String> context() {
    Map<String, String> c = new HashMap<>();
    c.put("requestId", requestId);
    c.put("extendedRequestId", requestId);
    c.put("path", "/" + settings.stage() + path);
    c.put("httpMethod", method);
    c.put("stage", settings.stage());
    c.put("apiId", settings.apiId());
    c.put("resourcePath", match == null ? "" : match.route().resource());
    c.put("identity.sourceIp", sourceIp);
    return c;
  }

  String header(String name) {
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
        return String.join(",", h.getValue());
      }
    }
    return null;
  }

  /**
   * A random (version 4) UUID from the thread's own generator: {@link UUID#randomUUID()} draws from
   * the shared SecureRandom under one lock, which 64 gateway threads queue for; a request id needs
   * to be unique, not secret.
   */
  private static String requestId() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
