package dev.whereabouts.runner.cloudwatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
      RequestFacts request = RequestFacts.scan(body);
      String table = request.table;
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
      if (request.object && CAPACITY.contains(operation) && !request.asksCapacity) {
        body = withCapacity(body, request.empty);
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
      // Recorded before answering: whoever got the answer finds its metrics already there.
      record(table, operation, response.statusCode(), answer, (System.nanoTime() - started) / 1e6);
      exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  /**
   * What the tap needs from a request, read with a streaming parser that skips items and attribute
   * values (the bulk of most requests) rather than building a tree.
   */
  private static final class RequestFacts {
    boolean object;
    boolean empty = true;
    boolean asksCapacity;
    String table;

    static RequestFacts scan(byte[] body) {
      RequestFacts f = new RequestFacts();
      try (JsonParser p = JSON.getFactory().createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return f;
        }
        f.object = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          f.empty = false;
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "TableName" -> f.table = f.table == null ? p.getValueAsString() : f.table;
            case "ReturnConsumedCapacity" -> f.asksCapacity = true;
            case "RequestItems" -> {
              // Batch requests name their tables as the keys of RequestItems.
              if (value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  f.table = f.table == null ? p.currentName() : f.table;
                  p.nextToken();
                  p.skipChildren();
                }
              } else {
                p.skipChildren();
              }
            }
            case "TransactItems" -> {
              JsonNode items = p.readValueAsTree();
              for (JsonNode item : items) {
                var action = item.elements();
                if (f.table == null && action.hasNext()) {
                  f.table = action.next().path("TableName").asText(null);
                }
              }
            }
            default -> p.skipChildren();
          }
        }
      } catch (IOException e) {
        // Not JSON: forwarded as it is, the engine answers it.
      }
      return f;
    }
  }

  /** The request with {@code "ReturnConsumedCapacity":"TOTAL"} as its first member. */
  private static byte[] withCapacity(byte[] body, boolean empty) {
    int brace = 0;
    while (brace < body.length && body[brace] != '{') {
      brace++;
    }
    byte[] member =
        ("\"ReturnConsumedCapacity\":\"TOTAL\"" + (empty ? "" : ","))
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + member.length];
    System.arraycopy(body, 0, out, 0, brace + 1);
    System.arraycopy(member, 0, out, brace + 1, member.length);
    System.arraycopy(body, brace + 1, out, brace + 1 + member.length, body.length - brace - 1);
    return out;
  }

  /** The answer's {@code __type} and {@code ConsumedCapacity}, other members skipped. */
  private static JsonNode[] answerFacts(byte[] body) {
    JsonNode type = null;
    JsonNode consumed = null;
    try (JsonParser p = JSON.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new JsonNode[] {null, null};
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("__type") || field.equals("ConsumedCapacity")) {
          JsonNode v = p.readValueAsTree();
          if (field.equals("__type")) {
            type = v;
          } else {
            consumed = v;
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // an answer that is not JSON carries no metrics
    }
    return new JsonNode[] {type, consumed};
  }

  private void record(String table, String operation, int status, byte[] body, double ms) {
    if (table == null) {
      return;
    }
    if (status >= 500) {
      store.put(systemErrors(table, operation), 1);
      return;
    }
    JsonNode[] facts = answerFacts(body);
    if (status >= 400) {
      String type = facts[0] == null ? "" : facts[0].asText("");
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
    JsonNode consumed = facts[1];
    if (consumed == null) {
      return;
    }
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

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
