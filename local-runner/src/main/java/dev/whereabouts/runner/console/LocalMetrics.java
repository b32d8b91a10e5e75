package dev.whereabouts.runner.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operator would read in CloudWatch, kept in memory: per function invocations, errors, cold
 * starts and duration percentiles, and the custom metrics the functions wrote as EMF lines. Served
 * as JSON at {@code GET /_local/metrics}.
 */
public final class LocalMetrics {
  private static final int KEPT_SAMPLES = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final class FunctionStats {
    long invocations;
    long errors;
    long coldStarts;
    final List<Double> durations = new ArrayList<>();
    final List<Double> inits = new ArrayList<>();
  }

  private static final class Custom {
    String unit;
    long samples;
    double sum;
    final List<Double> values = new ArrayList<>();
  }

  private final Map<String, FunctionStats> functions = new TreeMap<>();
  private final Map<String, Custom> custom = new TreeMap<>();

  /** Records one invocation of {@code function}. */
  public synchronized void invocation(String function, double durationMs, boolean error) {
    FunctionStats s = functions.computeIfAbsent(function, f -> new FunctionStats());
    s.invocations++;
    if (error) {
      s.errors++;
    }
    keep(s.durations, durationMs);
  }

  /** Records a new execution environment of {@code function}. */
  public synchronized void coldStart(String function, double initMs) {
    FunctionStats s = functions.computeIfAbsent(function, f -> new FunctionStats());
    s.coldStarts++;
    keep(s.inits, initMs);
  }

  /**
   * Reads one line a function printed; if it is a CloudWatch EMF document, its metrics are recorded
   * (keyed {@code Namespace/Name/Dimension=value}).
   *
   * @return whether the line was an EMF document
   */
  public boolean offer(String line) {
    if (!line.startsWith("{") || !line.contains("\"_aws\"")) {
      return false;
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(line);
    } catch (Exception e) {
      return false;
    }
    JsonNode directives = doc.path("_aws").path("CloudWatchMetrics");
    if (!directives.isArray()) {
      return false;
    }
    synchronized (this) {
      for (JsonNode directive : directives) {
        String namespace = directive.path("Namespace").asText();
        StringBuilder dims = new StringBuilder();
        for (JsonNode set : directive.path("Dimensions")) {
          for (JsonNode d : set) {
            dims.append('/').append(d.asText()).append('=').append(doc.path(d.asText()).asText());
          }
        }
        for (JsonNode metric : directive.path("Metrics")) {
          String name = metric.path("Name").asText();
          Custom c = custom.computeIfAbsent(namespace + "/" + name + dims, k -> new Custom());
          c.unit = metric.path("Unit").asText("None");
          JsonNode value = doc.path(name);
          if (value.isArray()) {
            value.forEach(v -> add(c, v.asDouble()));
          } else if (value.isNumber()) {
            add(c, value.asDouble());
          }
        }
      }
    }
    return true;
  }

  private static void add(Custom c, double v) {
    c.samples++;
    c.sum += v;
    keep(c.values, v);
  }

  private static void keep(List<Double> list, double v) {
    if (list.size() >= KEPT_SAMPLES) {
      list.remove(0);
    }
    list.add(v);
  }

  /** Invocations of {@code function} so far. */
  public synchronized long invocations(String function) {
    FunctionStats s = functions.get(function);
    return s == null ? 0 : s.invocations;
  }

  /** Cold starts of {@code function} so far. */
  public synchronized long coldStarts(String function) {
    FunctionStats s = functions.get(function);
    return s == null ? 0 : s.coldStarts;
  }

  /** The snapshot served at {@code /_local/metrics}. */
  public synchronized ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode fns = root.putObject("functions");
    functions.forEach(
        (name, s) -> {
          ObjectNode f = fns.putObject(name);
          f.put("invocations", s.invocations);
          f.put("errors", s.errors);
          f.put("coldStarts", s.coldStarts);
          ObjectNode d = f.putObject("durationMs");
          d.put("p50", percentile(s.durations, 0.50));
          d.put("p90", percentile(s.durations, 0.90));
          d.put("p99", percentile(s.durations, 0.99));
          d.put("max", percentile(s.durations, 1.0));
          f.put("initMsP50", percentile(s.inits, 0.50));
        });
    ObjectNode cm = root.putObject("customMetrics");
    custom.forEach(
        (key, c) -> {
          ObjectNode m = cm.putObject(key);
          m.put("unit", c.unit);
          m.put("samples", c.samples);
          m.put("sum", c.sum);
          if ("Milliseconds".equals(c.unit)) {
            m.put("p50", percentile(c.values, 0.50));
            m.put("p99", percentile(c.values, 0.99));
          }
        });
    return root;
  }

  private static double percentile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    double v = sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    return Math.round(v * 100) / 100.0;
  }
}
