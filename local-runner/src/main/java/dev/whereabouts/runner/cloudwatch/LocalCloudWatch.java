package dev.whereabouts.runner.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.dynamodb.DynamoDbTap;
import dev.whereabouts.runner.dynamodb.RestartableEngine;
import dev.whereabouts.runner.lambda.FunctionFault;
import dev.whereabouts.runner.lambda.FunctionPool;
import dev.whereabouts.runner.server.Exchange;
import dev.whereabouts.runner.server.RunnerServer;
import dev.whereabouts.runner.template.Suite;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The runner's CloudWatch: the metric store, the template's alarms evaluated every second, its
 * dashboard served as a page, the DynamoDB tap, and the faults that can be injected. It answers
 * under {@code /_local/}: {@code alarms}, {@code dashboard}, {@code faults}.
 */
public final class LocalCloudWatch implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/";

  private final MetricStore store;
  private final Alarms alarms;
  private final Dashboards dashboards;

  /** The functions' pools now: a template reload swaps the whole map. */
  private final java.util.function.Supplier<Map<String, FunctionPool>> pools;

  private final DynamoDbTap tap;
  private final String stack;
  private final Consumer<String> log;
  private final ScheduledExecutorService ticker;
  private volatile RestartableEngine engine;

  /**
   * Reads the template's alarms and dashboards.
   *
   * @param tap the DynamoDB tap, whose table faults this sets (closed with this)
   * @param log where state changes and fault changes are told
   * @throws IllegalArgumentException naming an alarm or dashboard the runner cannot evaluate
   */
  public LocalCloudWatch(
      Suite suite,
      String stack,
      MetricStore store,
      java.util.function.Supplier<Map<String, FunctionPool>> pools,
      DynamoDbTap tap,
      Consumer<String> log) {
    this.store = store;
    this.pools = pools;
    this.stack = stack;
    this.log = log;
    this.alarms =
        Alarms.of(
            suite.monitoring(),
            store,
            (name, from, to, reason, first) -> {
              if (!first || to != State.OK) {
                log.accept("alarm " + name + ": " + from + " -> " + to + " (" + reason + ")");
              }
            });
    this.dashboards = Dashboards.of(suite.monitoring());
    this.tap = tap;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cloudwatch");
              t.setDaemon(true);
              return t;
            });
  }

  /** The runner's own engine, which the {@code engine} fault kills and restarts. */
  public void engine(RestartableEngine engine) {
    this.engine = engine;
  }

  /** Starts sampling concurrency and evaluating the alarms, once a second. */
  public void start() {
    ticker.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
  }

  private void tick() {
    try {
      pools
          .get()
          .forEach(
              (name, pool) -> {
                int peak = pool.takePeakConcurrency();
                store.put(
                    MetricKey.of("AWS/Lambda", "ConcurrentExecutions", "FunctionName", name), peak);
              });
      alarms.evaluate();
    } catch (RuntimeException e) {
      log.accept("alarm evaluation failed: " + e);
    }
  }

  /** The endpoint functions are given for DynamoDB (the tap, which forwards to the engine). */
  public URI dynamoDbEndpoint() {
    return tap.endpoint();
  }

  public Alarms alarms() {
    return alarms;
  }

  public MetricStore store() {
    return store;
  }

  /** How many alarms and dashboards the template declares, for the start-up banner. */
  public String describe() {
    long composite =
        alarms.definitions().stream().filter(a -> a instanceof AlarmDefinition.Composite).count();
    return String.format(
        "%d alarms and %d composite alarm%s evaluated every second; %d dashboard%s",
        alarms.definitions().size() - composite,
        composite,
        composite == 1 ? "" : "s",
        dashboards.names().size(),
        dashboards.names().size() == 1 ? "" : "s");
  }

  /**
   * Adds the {@code /_local/alarms}, {@code /_local/dashboard} and {@code /_local/faults} pages.
   */
  public void register(RunnerServer server) {
    // The server checks Host, Origin and the content type of state changes for every /_local page.
    server.page("/_local/alarms", e -> json(e, 200, alarms.toJson(stack)));
    server.page("/_local/faults", this::faults);
    server.page("/_local/dashboard", this::dashboard);
  }

  private void dashboard(Exchange e) throws IOException {
    String path = e.rawPath();
    String rest = path.substring("/_local/dashboard".length());
    switch (rest) {
      case "", "/" -> resource(e, "dashboard/index.html", "text/html; charset=utf-8");
      case "/dashboard.js" -> resource(e, "dashboard/dashboard.js", "text/javascript");
      case "/dashboard.css" -> resource(e, "dashboard/dashboard.css", "text/css");
      case "/favicon.svg" -> resource(e, "dashboard/favicon.svg", "image/svg+xml");
      case "/uPlot.iife.min.js" -> resource(e, UPLOT + "dist/uPlot.iife.min.js", "text/javascript");
      case "/uPlot.min.css" -> resource(e, UPLOT + "dist/uPlot.min.css", "text/css");
      case "/data" -> json(e, 200, data(query(e.rawQuery())));
      default -> json(e, 404, error("no such page: " + path));
    }
  }

  private ObjectNode data(Map<String, String> query) {
    long now = store.clock().millis();
    int minutes = clamp(query.getOrDefault("minutes", "15"), 1, 60);
    int period = clamp(query.getOrDefault("period", "0"), 0, 3600);
    String name =
        query.getOrDefault("name", dashboards.names().isEmpty() ? "" : dashboards.names().get(0));
    ObjectNode root = JSON.createObjectNode();
    root.put("stack", stack);
    root.put("now", now);
    root.set("dashboards", JSON.valueToTree(dashboards.names()));
    root.put("name", name);
    if (dashboards.names().contains(name)) {
      root.set(
          "widgets", dashboards.render(name, store, alarms, now - minutes * 60_000L, now, period));
    }
    root.set("alarms", alarms.toJson(stack).get("alarms"));
    root.set("faults", faultsJson());
    return root;
  }

  private void faults(Exchange e) throws IOException {
    if (e.method().equals("GET")) {
      json(e, 200, faultsJson());
      return;
    }
    if (!e.method().equals("POST")) {
      json(e, 405, error("GET or POST"), Map.of("Allow", "GET, POST"));
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(e.body(1 << 16));
      apply(body);
    } catch (IOException | IllegalArgumentException | NullPointerException ex) {
      json(e, 400, error(String.valueOf(ex.getMessage())));
      return;
    } catch (IllegalStateException ex) {
      json(e, 409, error(ex.getMessage()));
      return;
    }
    json(e, 200, faultsJson());
  }

  /**
   * Applies one fault change: {@code {"function": F, "failureRate": r, "latencyMs": ms}} or {@code
   * {"table": T, "throttleRate": r, "errorRate": r}}; zero rates lift it, {@code {"clear": true}}
   * lifts all. {@code {"engine": "stop"}} kills the runner's DynamoDB engine, {@code {"engine":
   * "start"}} starts it again with its data (and {@code clear} does too).
   *
   * @throws IllegalArgumentException for a malformed change
   * @throws IllegalStateException for one the runner's state forbids (an engine in memory, or one
   *     already in the asked state)
   */
  public void apply(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("a JSON object is expected");
    }
    if (body.path("clear").asBoolean(false)) {
      pools.get().forEach((n, p) -> p.inject(FunctionFault.NONE));
      tap.tables().forEach(t -> tap.inject(t, DynamoDbTap.TableFault.NONE));
      RestartableEngine own = engine;
      if (own != null && !own.running()) {
        own.restart();
      }
      log.accept("faults: all lifted");
      return;
    }
    if (body.hasNonNull("engine")) {
      engineFault(body.get("engine").asText());
      return;
    }
    if (body.hasNonNull("function")) {
      String f = body.get("function").asText();
      Map<String, FunctionPool> now = pools.get();
      FunctionPool pool = now.get(f);
      if (pool == null) {
        throw new IllegalArgumentException("no function named '" + f + "' (" + now.keySet() + ")");
      }
      FunctionFault fault =
          new FunctionFault(
              body.path("failureRate").asDouble(0),
              body.path("latencyMs").asLong(0),
              body.path("garbageRate").asDouble(0));
      pool.inject(fault);
      log.accept(
          "faults: "
              + f
              + (fault.none()
                  ? " lifted"
                  : String.format(
                      " fails %.0f %% of invocations, +%d ms each, %.0f %% answer garbage",
                      fault.failureRate() * 100, fault.latencyMs(), fault.garbageRate() * 100)));
      return;
    }
    if (body.hasNonNull("table")) {
      String t = body.get("table").asText();
      DynamoDbTap.TableFault fault =
          new DynamoDbTap.TableFault(
              body.path("throttleRate").asDouble(0), body.path("errorRate").asDouble(0));
      tap.inject(t, fault);
      log.accept(
          "faults: table "
              + t
              + (fault.none()
                  ? " lifted"
                  : String.format(
                      " throttles %.0f %%, fails %.0f %% of requests",
                      fault.throttleRate() * 100, fault.errorRate() * 100)));
      return;
    }
    throw new IllegalArgumentException(
        "name a \"function\", a \"table\" or the \"engine\", or send {\"clear\":true}");
  }

  private void engineFault(String what) {
    RestartableEngine own = engine;
    if (own == null) {
      throw new IllegalStateException(
          "the DynamoDB engine is yours (--dynamodb-endpoint), not the runner's to stop");
    }
    switch (what) {
      case "stop" -> {
        own.kill();
        log.accept(
            "faults: DynamoDB engine killed; every call to a table fails until"
                + " fault --engine start");
      }
      case "start" -> {
        long started = System.nanoTime();
        own.restart();
        log.accept(
            String.format(
                "faults: DynamoDB engine started again with its data in %.0f ms",
                (System.nanoTime() - started) / 1e6));
      }
      default ->
          throw new IllegalArgumentException(
              "\"engine\" is \"stop\" or \"start\", not \"" + what + "\"");
    }
  }

  private ObjectNode faultsJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode fns = root.putObject("functions");
    pools
        .get()
        .forEach(
            (name, pool) -> {
              ObjectNode f = fns.putObject(name);
              f.put("failureRate", pool.fault().failureRate());
              f.put("latencyMs", pool.fault().latencyMs());
              f.put("garbageRate", pool.fault().garbageRate());
            });
    RestartableEngine own = engine;
    if (own != null) {
      ObjectNode e = root.putObject("engine");
      e.put("running", own.running());
      e.put("restartable", own.restartable());
    }
    ObjectNode tables = root.putObject("tables");
    Map<String, DynamoDbTap.TableFault> set = tap.faults();
    for (String t : tap.tables().stream().sorted().toList()) {
      DynamoDbTap.TableFault f = set.getOrDefault(t, DynamoDbTap.TableFault.NONE);
      ObjectNode o = tables.putObject(t);
      o.put("throttleRate", f.throttleRate());
      o.put("errorRate", f.errorRate());
    }
    return root;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static int clamp(String v, int min, int max) {
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      return min;
    }
  }

  private static ObjectNode error(String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("message", message);
    return o;
  }

  private static void json(Exchange e, int status, JsonNode body) throws IOException {
    json(e, status, body, Map.of());
  }

  private static void json(Exchange e, int status, JsonNode body, Map<String, String> extra)
      throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put("Content-Type", "application/json");
    e.respondWith(status, headers, bytes);
  }

  private static void resource(Exchange e, String name, String type) throws IOException {
    try (InputStream in = LocalCloudWatch.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        json(e, 404, error("no such file: " + name));
        return;
      }
      e.respondWith(200, Map.of("Content-Type", type), in.readAllBytes());
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    tap.close();
  }
}
