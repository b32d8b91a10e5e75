package dev.whereabouts.runner.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stands between the functions and the DynamoDB engine, as the DynamoDB service stands between
 * Lambda and its storage: it forwards every request unchanged but for asking the engine for the
 * consumed capacity, and publishes what DynamoDB would to {@code AWS/DynamoDB} — {@code
 * ConsumedRead/WriteCapacityUnits} (TableName), {@code SuccessfulRequestLatency}, {@code
 * SystemErrors}, {@code ThrottledRequests} (TableName, Operation), {@code Read/WriteThrottleEvents}
 * (TableName) and {@code UserErrors} (no dimension). Faults injected per table answer a share of
 * requests with DynamoDB's throttling or internal-error responses instead of forwarding them.
 *
 * <p>What it cannot observe: a local engine never throttles nor runs out of capacity by itself, so
 * throttle events and system errors come only from injected faults; there are no global tables
 * ({@code ReplicationLatency}), streams ({@code GetRecords*}), TTL deletions ({@code
 * TimeToLiveDeletedItemCount}) or account limits to report.
 */
public final class DynamoDbTap implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> READS =
      Set.of("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems");
  private static final Set<String> CAPACITY =
      Set.of(
          "GetItem",
          "PutItem",
          "UpdateItem",
          "DeleteItem",
          "Query",
          "Scan",
          "BatchGetItem",
          "BatchWriteItem",
          "TransactGetItems",
          "TransactWriteItems");
  private static final Set<String> HOP_BY_HOP =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

  /**
   * A fault on one table.
   *
   * @param throttleRate share of requests (0 to 1) answered {@code
   *     ProvisionedThroughputExceededException} (400)
   * @param errorRate share of requests answered {@code InternalServerError} (500)
   */
  public record TableFault(double throttleRate, double errorRate) {
    public static final TableFault NONE = new TableFault(0, 0);

    public TableFault {
      if (!(throttleRate >= 0 && throttleRate <= 1 && errorRate >= 0 && errorRate <= 1)) {
        throw new IllegalArgumentException("fault rates are between 0 and 1");
      }
    }

    boolean none() {
      return throttleRate == 0 && errorRate == 0;
    }
  }

  private final URI engine;
  private final MetricStore store;
  private final Set<String> tables;
  private final Map<String, TableFault> faults = new ConcurrentHashMap<>();
  private final HttpClient client;
  private final HttpServer server;
  private final ExecutorService threads;

  /**
   * Starts the tap on a free loopback port.
   *
   * @param tables the template's table names (faults can be set on these)
   */
  public DynamoDbTap(URI engine, MetricStore store, List<String> tables) throws IOException {
    this.engine = engine;
    this.store = store;
    this.tables = new LinkedHashSet<>(tables);
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "dynamodb-tap");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(threads)
            .build();
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The endpoint the functions are given instead of the engine's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The tables faults can be set on. */
  public Set<String> tables() {
    return Set.copyOf(tables);
  }

  /** Sets (or with {@link TableFault#NONE} lifts) the fault of one table. */
  public void inject(String table, TableFault fault) {
    if (!tables.contains(table)) {
      throw new IllegalArgumentException("no table named '" + table + "' (tables: " + tables + ")");
    }
    if (fault.none()) {
      faults.remove(table);
    } else {
      faults.put(table, fault);
    }
  }

  /** The faults set now, by table. */
  public Map<String, TableFault> faults() {
    return Map.copyOf(faults);
  }

  private void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation = target == null ? "" : target.substring(target.lastIndexOf('.') + 1).trim();
      JsonNode request = parse(body);
      String table = request == null ? null : request.path("TableName").asText(null);
      if (table == null && request != null) {
        // Batch and transaction requests name their tables inside.
        var names = request.path("RequestItems").fieldNames();
        if (names.hasNext()) {
          table = names.next();
        }
        for (JsonNode item : request.path("TransactItems")) {
          var action = item.elements();
          if (table == null && action.hasNext()) {
            table = action.next().path("TableName").asText(null);
          }
        }
      }
      TableFault fault = table == null ? null : faults.get(table);
      if (fault != null) {
        double roll = ThreadLocalRandom.current().nextDouble();
        if (roll < fault.throttleRate()) {
          throttled(table, operation);
          answer(
              exchange,
              400,
              "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
              "The level of configured provisioned throughput for the table was exceeded"
                  + " (injected by the local runner).");
          return;
        }
        if (roll < fault.throttleRate() + fault.errorRate()) {
          store.put(systemErrors(table, operation), 1);
          answer(
              exchange,
              500,
              "com.amazonaws.dynamodb.v20120810#InternalServerError",
              "Internal server error (injected by the local runner).");
          return;
        }
      }
      if (request instanceof ObjectNode o
          && CAPACITY.contains(operation)
          && !o.has("ReturnConsumedCapacity")) {
        o.put("ReturnConsumedCapacity", "TOTAL");
        body = JSON.writeValueAsBytes(o);
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(engine.resolve(exchange.getRequestURI().getRawPath()))
              .timeout(Duration.ofSeconds(30))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer(exchange, 500, "InternalServerError", "interrupted");
        return;
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] answer = response.body();
      exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
      record(table, operation, response.statusCode(), answer, (System.nanoTime() - started) / 1e6);
    }
  }

  private void record(String table, String operation, int status, byte[] body, double ms) {
    if (table == null) {
      return;
    }
    if (status >= 500) {
      store.put(systemErrors(table, operation), 1);
      return;
    }
    JsonNode response = parse(body);
    if (status >= 400) {
      String type = response == null ? "" : response.path("__type").asText("");
      if (type.contains("ProvisionedThroughputExceeded") || type.contains("Throttling")) {
        throttled(table, operation);
      } else {
        store.put(MetricKey.of("AWS/DynamoDB", "UserErrors"), 1);
      }
      return;
    }
    store.put(
        MetricKey.of(
            "AWS/DynamoDB", "SuccessfulRequestLatency", "TableName", table, "Operation", operation),
        ms);
    if (response == null) {
      return;
    }
    JsonNode consumed = response.path("ConsumedCapacity");
    for (JsonNode c : consumed.isArray() ? consumed : List.of(consumed)) {
      if (c.has("TableName") && c.has("CapacityUnits")) {
        store.put(
            MetricKey.of(
                "AWS/DynamoDB",
                READS.contains(operation)
                    ? "ConsumedReadCapacityUnits"
                    : "ConsumedWriteCapacityUnits",
                "TableName",
                c.path("TableName").asText()),
            c.path("CapacityUnits").asDouble());
      }
    }
  }

  private void throttled(String table, String operation) {
    store.put(
        MetricKey.of(
            "AWS/DynamoDB", "ThrottledRequests", "TableName", table, "Operation", operation),
        1);
    store.put(
        MetricKey.of(
            "AWS/DynamoDB",
            READS.contains(operation) ? "ReadThrottleEvents" : "WriteThrottleEvents",
            "TableName",
            table),
        1);
  }

  private static MetricKey systemErrors(String table, String operation) {
    return MetricKey.of("AWS/DynamoDB", "SystemErrors", "TableName", table, "Operation", operation);
  }

  private static void answer(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    ObjectNode error = JSON.createObjectNode();
    error.put("__type", type);
    error.put("message", message);
    byte[] body = JSON.writeValueAsBytes(error);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
