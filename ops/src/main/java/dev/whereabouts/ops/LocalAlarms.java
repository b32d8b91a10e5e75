package dev.whereabouts.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The alarms a local runner evaluates from the template ({@code GET /_local/alarms}), so that
 * {@code status} and {@code gate} work on a laptop as they do against CloudWatch.
 */
final class LocalAlarms implements AlarmSource {
  private final URI runner;

  LocalAlarms(URI runner) {
    this.runner = runner;
  }

  @Override
  public List<StackAlarms.Alarm> alarms(String stack) {
    URI uri = runner.resolve("/_local/alarms");
    String body;
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      c.setConnectTimeout(5000);
      c.setReadTimeout(10000);
      if (c.getResponseCode() != 200) {
        throw new UncheckedIOException(
            new IOException(uri + " answered " + c.getResponseCode() + "; is it a local runner?"));
      }
      try (InputStream in = c.getInputStream()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode root;
    try {
      root = JsonNode.parser().parse(body);
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException(uri + " did not answer JSON"));
    }
    List<StackAlarms.Alarm> out = new ArrayList<>();
    if (root.isObject() && root.field("alarms").map(JsonNode::isArray).orElse(false)) {
      for (JsonNode a : root.field("alarms").get().asArray()) {
        String name = text(a, "name");
        if (name != null && name.startsWith(stack + "-")) {
          String since = text(a, "since");
          out.add(
              new StackAlarms.Alarm(
                  name,
                  text(a, "state"),
                  text(a, "reason"),
                  since == null ? null : Instant.parse(since),
                  a.field("composite").map(JsonNode::asBoolean).orElse(false),
                  text(a, "rule")));
        }
      }
    }
    out.sort(
        Comparator.comparingInt(StackAlarms.Alarm::severity)
            .thenComparing(StackAlarms.Alarm::name));
    return out;
  }

  private static String text(JsonNode o, String field) {
    return o.field(field).filter(n -> !n.isNull()).map(JsonNode::text).orElse(null);
  }
}
