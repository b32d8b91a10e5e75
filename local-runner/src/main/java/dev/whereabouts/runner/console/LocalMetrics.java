package dev.whereabouts.runner.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.cloudwatch.MetricKey;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operator would read in CloudWatch, kept in memory: per function invocations, errors, cold
 * starts and duration percentiles, the custom metrics the functions wrote as EMF lines, and the
 * gateway's own time per request (what the runner adds over calling the handlers). Served as JSON
 * at {@code GET /_local/metrics}. Every sample also goes to the {@link MetricStore} as the
 * CloudWatch metric AWS would publish ({@code AWS/Lambda}, {@code AWS/ApiGateway}, the EMF
 * namespaces), for the local alarms and dashboard.
 */
public final class LocalMetrics {
  private static final int KEPT_SAMPLES = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The latest {@link #KEPT_SAMPLES} values of one measure, in a ring that grows as needed. */
  private static final class Samples {
    private double[] ring = new double[16];
    private int size;
    private int next;

    void add(double v) {
      if (size == ring.length && size < KEPT_SAMPLES) {
        ring = Arrays.copyOf(ring, Math.min(KEPT_SAMPLES, size * 2));
      }
      ring[next] = v;
      next = (next + 1) % KEPT_SAMPLES;
      size = Math.min(size + 1, KEPT_SAMPLES);
    }

    /** p50, p90, p99 and max into {@code node}, from one sorted copy. */
    void putPercentiles(ObjectNode node) {
      double[] sorted = sorted();
      node.put("p50", at(sorted, 0.50));
      node.put("p90", at(sorted, 0.90));
      node.put("p99", at(sorted, 0.99));
      node.put("max", at(sorted, 1.0));
    }

    double median() {
      return at(sorted(), 0.50);
    }

    private double[] sorted() {
      double[] sorted = Arrays.copyOf(ring, size);
      Arrays.sort(sorted);
      return sorted;
    }

    private static double at(double[] sorted, double q) {
      if (sorted.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(q * sorted.length) - 1;
      return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, index))] * 100) / 100.0;
    }
  }

  private static final class FunctionStats {
    long invocations;
    long errors;
    long coldStarts;
    final Samples durations = new Samples();
    final Samples inits = new Samples();
  }

  private static final class Custom {
    String unit;
    long samples;
    double sum;
    final Samples values = new Samples();
  }

  private final Map<String, FunctionStats> functions = new TreeMap<>();
  private final Map<String, Custom> custom = new TreeMap<>();
  private long gatewayRequests;
  private final Samples gatewayOwnMs = new Samples();
  private final MetricStore store;
  private volatile String apiName = "local";
  private volatile String stage = "prod";

  /** Metrics kept in a store of their own, stamped by the system clock. */
  public LocalMetrics() {
    this(new MetricStore(Clock.systemUTC()));
  }

  /** Metrics that also go, as CloudWatch metrics, to {@code store}. */
  public LocalMetrics(MetricStore store) {
    this.store = store;
  }

  /** The CloudWatch-shaped series. */
  public MetricStore store() {
    return store;
  }

  /** The {@code ApiName} and {@code Stage} dimensions of the API's metrics. */
  public void api(String apiName, String stage) {
    this.apiName = apiName;
    this.stage = stage;
  }

  /**
   * Records one API request as API Gateway's metrics count it: {@code Count}, {@code 4XXError} and
   * {@code 5XXError} (0 or 1, so their Average is the rate), {@code Latency} (the whole request)
   * and {@code IntegrationLatency} (the functions' part).
   */
  public void apiRequest(int status, double latencyMs, double integrationMs) {
    String[] dims = {"ApiName", apiName, "Stage", stage};
    store.put(MetricKey.of("AWS/ApiGateway", "Count", dims), 1);
    store.put(MetricKey.of("AWS/ApiGateway", "4XXError", dims), status / 100 == 4 ? 1 : 0);
    store.put(MetricKey.of("AWS/ApiGateway", "5XXError", dims), status / 100 == 5 ? 1 : 0);
    store.put(MetricKey.of("AWS/ApiGateway", "Latency", dims), latencyMs);
    if (integrationMs > 0) {
      store.put(MetricKey.of("AWS/ApiGateway", "IntegrationLatency", dims), integrationMs);
    }
  }

  /**
   * Records the gateway's own time for one request: from reading it to having written the answer,
   * less the time spent in functions (authorizer and integration).
   */
  public synchronized void gatewayRequest(double ownMs) {
    gatewayRequests++;
    gatewayOwnMs.add(ownMs);
  }

  /** Records one invocation of {@code function}. */
  public synchronized void invocation(String function, double durationMs, boolean error) {
    FunctionStats s = functions.computeIfAbsent(function, f -> new FunctionStats());
    s.invocations++;
    if (error) {
      s.errors++;
    }
    s.durations.add(durationMs);
    String[] dims = {"FunctionName", function};
    store.put(MetricKey.of("AWS/Lambda", "Invocations", dims), 1);
    store.put(MetricKey.of("AWS/Lambda", "Errors", dims), error ? 1 : 0);
    // The runner never throttles a function (no concurrency limits): Throttles is a true zero.
    store.put(MetricKey.of("AWS/Lambda", "Throttles", dims), 0);
    store.put(MetricKey.of("AWS/Lambda", "Duration", dims), durationMs);
  }

  /** Records a new execution environment of {@code function}. */
  public synchronized void coldStart(String function, double initMs) {
    FunctionStats s = functions.computeIfAbsent(function, f -> new FunctionStats());
    s.coldStarts++;
    s.inits.add(initMs);
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
        // Each dimension set is a metric of its own in CloudWatch; no set: no dimensions.
        List<Map<String, String>> sets = new ArrayList<>();
        for (JsonNode set : directive.path("Dimensions")) {
          Map<String, String> d = new TreeMap<>();
          for (JsonNode n : set) {
            d.put(n.asText(), doc.path(n.asText()).asText());
          }
          sets.add(d);
        }
        if (sets.isEmpty()) {
          sets.add(Map.of());
        }
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
          List<Double> values = new ArrayList<>();
          if (value.isArray()) {
            value.forEach(v -> values.add(v.asDouble()));
          } else if (value.isNumber()) {
            values.add(value.asDouble());
          }
          for (double v : values) {
            add(c, v);
            for (Map<String, String> d : sets) {
              store.put(new MetricKey(namespace, name, d), v);
            }
          }
        }
      }
    }
    return true;
  }

  private static void add(Custom c, double v) {
    c.samples++;
    c.sum += v;
    c.values.add(v);
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
          s.durations.putPercentiles(f.putObject("durationMs"));
          f.put("initMsP50", s.inits.median());
        });
    ObjectNode gateway = root.putObject("gateway");
    gateway.put("requests", gatewayRequests);
    gatewayOwnMs.putPercentiles(gateway.putObject("ownMs"));
    ObjectNode cm = root.putObject("customMetrics");
    custom.forEach(
        (key, c) -> {
          ObjectNode m = cm.putObject(key);
          m.put("unit", c.unit);
          m.put("samples", c.samples);
          m.put("sum", c.sum);
          if ("Milliseconds".equals(c.unit)) {
            c.values.putPercentiles(m);
          }
        });
    return root;
  }
}
