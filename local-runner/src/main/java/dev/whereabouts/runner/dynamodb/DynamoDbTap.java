package dev.whereabouts.runner.dynamodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import dev.whereabouts.runner.gateway.SigV4Verifier;
import dev.whereabouts.runner.server.Exchange;
import dev.whereabouts.runner.server.LoopbackServer;
import dev.whereabouts.runner.server.ServedHosts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stands between the functions and the DynamoDB engine, as the DynamoDB service stands between
 * Lambda and its storage: it forwards every request unchanged but for asking the engine for the
 * consumed capacity, and publishes what DynamoDB would to {@code AWS/DynamoDB} — {@code
 * ConsumedRead/WriteCapacityUnits} (TableName), {@code SuccessfulRequestLatency}, {@code
 * SystemErrors}, {@code ThrottledRequests} (TableName, Operation), {@code Read/WriteThrottleEvents}
 * (TableName) and {@code UserErrors} (no dimension). Faults injected per table answer a share of
 * requests with DynamoDB's throttling or internal-error responses instead of forwarding them.
 *
 * <p>It stands on a server and a client made for HTTP ({@link LoopbackServer}, {@code
 * java.net.http}), and it is a door only the suite's functions pass: a call must carry a valid
 * SigV4 signature (service {@code dynamodb}) by one of the functions' local credentials, no {@code
 * Origin}, and name the tap's own host; {@code OPTIONS} and every other method but {@code POST} are
 * refused. So neither a web page (through the browser, with plain CORS) nor another local program
 * can reach the local tables through it, and what reaches real tables through {@link SigningRelay}
 * is a function's own call.
 *
 * <p>What it cannot observe: a local engine never throttles nor runs out of capacity by itself, so
 * throttle events and system errors come only from injected faults; there are no global tables
 * ({@code ReplicationLatency}), streams ({@code GetRecords*}), TTL deletions ({@code
 * TimeToLiveDeletedItemCount}) or account limits to report.
 */
public final class DynamoDbTap implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Request headers not passed on: the client sets its own for the next hop. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "te",
          "trailer",
          "date",
          "from",
          "via",
          "warning");

  /** Answer headers the SDK reads (request id, CRC32 check of the body, type). */
  static final Set<String> RETURNED = Set.of("content-type", "x-amzn-requestid", "x-amz-crc32");

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  /** Where a call the tap accepted goes. */
  public interface Upstream {
    /**
     * Sends one call on and returns the answer.
     *
     * @param caller the access key id that signed it (one of the functions')
     * @param operation e.g. {@code GetItem}, from {@code X-Amz-Target}
     * @param table the table the request names, or null
     * @throws Refused when this upstream does not take the call (the relay's policy)
     */
    Answer send(
        String caller,
        String operation,
        String table,
        Map<String, List<String>> headers,
        byte[] body)
        throws IOException, Refused;
  }

  /** An answer: status, headers, body. */
  public record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

  /** A call an upstream refuses, answered as DynamoDB's {@code AccessDeniedException}. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message, null, false, false);
    }
  }

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

    public boolean none() {
      return throttleRate == 0 && errorRate == 0;
    }
  }

  private final Upstream upstream;
  private final DynamoDbMetrics metrics;
  private final Set<String> tables;
  private final Map<String, TableFault> faults = new ConcurrentHashMap<>();
  private final SigV4Verifier signatures;
  private final LoopbackServer server;

  /**
   * Starts the tap on a free loopback port.
   *
   * @param upstream where accepted calls go ({@link #engine(URI)} or a {@link SigningRelay})
   * @param tables the template's table names (faults can be set on these)
   * @param region the region the functions sign for
   * @param secretKeys access key id → secret of the suite's functions
   * @param log where refusals are told
   */
  public DynamoDbTap(
      Upstream upstream,
      MetricStore store,
      List<String> tables,
      String region,
      Function<String, Optional<String>> secretKeys,
      Consumer<String> log)
      throws IOException {
    this.upstream = upstream;
    this.metrics = new DynamoDbMetrics(store);
    this.tables = new LinkedHashSet<>(tables);
    this.signatures = new SigV4Verifier(region, "dynamodb", secretKeys);
    this.server =
        new LoopbackServer(
            "dynamodb-tap",
            0,
            this::serve,
            (status, detail, requestId) ->
                new LoopbackServer.Problem(
                    status,
                    Map.of("Content-Type", "application/x-amz-json-1.0"),
                    error(
                        "com.amazonaws.dynamodb.v20120810#"
                            + (status == 403 ? "AccessDeniedException" : "ValidationException"),
                        detail)),
            line -> log.accept("DynamoDB tap: " + line));
    server.start();
  }

  /**
   * The runner's own engine (or the user's emulator): calls go on as they came, over the JDK's
   * {@code HttpURLConnection} and its keep-alive cache. Measured against {@code java.net.http} for
   * this hop (docs/performance.md, issue 21): its selector thread and executor hand-offs cost about
   * 0.15 ms per {@code GET /profiles}, twice the blocking client's.
   */
  public static Upstream engine(URI engine) {
    java.net.URL url;
    try {
      url = engine.resolve("/").toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("not an engine endpoint: " + engine, e);
    }
    return (caller, operation, table, headers, body) -> {
      java.net.HttpURLConnection c =
          (java.net.HttpURLConnection) url.openConnection(java.net.Proxy.NO_PROXY);
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setConnectTimeout(5_000);
      c.setReadTimeout((int) ANSWER_TIMEOUT.toMillis());
      c.setFixedLengthStreamingMode(body.length);
      headers.forEach((name, values) -> values.forEach(v -> c.addRequestProperty(name, v)));
      try (java.io.OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      byte[] answer;
      try (java.io.InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        answer = in == null ? new byte[0] : in.readAllBytes();
      }
      Map<String, List<String>> returned = new LinkedHashMap<>();
      c.getHeaderFields()
          .forEach(
              (name, values) -> {
                if (name != null && RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
                  returned.put(name, values);
                }
              });
      return new Answer(status, returned, answer);
    };
  }

  /** Sends a request with {@code http} and reads the answer whole. */
  static Answer send(HttpClient http, HttpRequest request) throws IOException {
    HttpResponse<byte[]> answer;
    try {
      answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, values);
              }
            });
    return new Answer(answer.statusCode(), headers, answer.body());
  }

  /** The endpoint the functions are given instead of the engine's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
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

  /**
   * One call. When the engine cannot be reached the connection is closed without an answer, as an
   * unreachable DynamoDB endpoint looks to the SDK.
   */
  private void serve(Exchange exchange) throws IOException {
    long started = System.nanoTime();
    if (!ServedHosts.serves(exchange.headers("Host"), server.port())
        || exchange.headers("Host").isEmpty()) {
      server.refuse(exchange, 403, "The tap answers only for its own host.");
      return;
    }
    if (!exchange.headers("Origin").isEmpty()) {
      server.refuse(exchange, 403, "The tap answers no web page (a request with an Origin).");
      return;
    }
    if (!exchange.method().equals("POST")) {
      server.refuse(exchange, 403, "DynamoDB takes POST only, not " + exchange.method() + ".");
      return;
    }
    byte[] body = exchange.body(LoopbackServer.MAX_BODY_BYTES);
    if (body.length > LoopbackServer.MAX_BODY_BYTES) {
      server.refuse(exchange, 400, "The request is over DynamoDB's size limit.");
      return;
    }
    Map<String, String> joined = new LinkedHashMap<>();
    Map<String, List<String>> forwarded = new LinkedHashMap<>();
    exchange.forEachHeader(
        (name, value) -> {
          joined.merge(name, value, (a, b) -> a + "," + b);
          if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
            forwarded.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
          }
        });
    String caller;
    try {
      caller =
          signatures
              .verify("POST", exchange.rawPath(), exchange.rawQuery(), joined, body, Instant.now())
              .accessKeyId();
    } catch (SigV4Verifier.Refused e) {
      server.refuse(exchange, 403, "Only the suite's functions may call: " + e.getMessage());
      return;
    }
    String target = exchange.header("X-Amz-Target");
    String operation = target == null ? "" : target.substring(target.lastIndexOf('.') + 1).trim();
    DynamoDbMetrics.RequestFacts request = DynamoDbMetrics.RequestFacts.scan(body);
    String table = request.table;
    TableFault fault = table == null ? null : faults.get(table);
    if (fault != null) {
      double roll = ThreadLocalRandom.current().nextDouble();
      if (roll < fault.throttleRate()) {
        metrics.throttled(table, operation);
        answer(
            exchange,
            400,
            "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded"
                + " (injected by the local runner).");
        return;
      }
      if (roll < fault.throttleRate() + fault.errorRate()) {
        metrics.systemError(table, operation);
        answer(
            exchange,
            500,
            "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "Internal server error (injected by the local runner).");
        return;
      }
    }
    if (DynamoDbMetrics.needsCapacity(operation, request)) {
      body = DynamoDbMetrics.withCapacity(body, request.empty);
    }
    Answer answer;
    try {
      answer = upstream.send(caller, operation, table, forwarded, body);
    } catch (Refused e) {
      server.refuse(exchange, 403, e.getMessage());
      return;
    } catch (IOException e) {
      exchange.abort(e);
      return;
    }
    // Recorded before answering: whoever got the answer finds its metrics already there.
    metrics.record(
        table, operation, answer.status(), answer.body(), (System.nanoTime() - started) / 1e6);
    exchange.respond(answer.status(), answer.headers(), answer.body());
  }

  private static void answer(Exchange exchange, int status, String type, String message)
      throws IOException {
    exchange.respondWith(
        status,
        Map.of("Content-Type", "application/x-amz-json-1.0"),
        error(type, message).getBytes(StandardCharsets.UTF_8));
  }

  /** An error body of DynamoDB's shape. */
  private static String error(String type, String message) {
    ObjectNode error = JSON.createObjectNode();
    error.put("__type", type);
    error.put("message", message);
    return error.toString();
  }

  @Override
  public void close() {
    server.close();
  }
}
