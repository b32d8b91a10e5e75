package dev.whereabouts.runner.cloudwatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>It is a lean relay, not an HTTP server and client: each function connection gets a thread and
 * a kept-alive connection to the engine of its own, a request is read whole (its table and the
 * capacity member need its body) and sent in one write, and the engine's answer is read whole (its
 * consumed capacity) and written back in one write. Every DynamoDB call of every function passes
 * here, so what the tap costs per call is paid twice per {@code GET /profiles}.
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

  /** Headers of one hop, not passed on (the relay sets its own length and connection). */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "Host",
          "Connection",
          "Keep-Alive",
          "Proxy-Connection",
          "Content-Length",
          "Expect",
          "Upgrade",
          "Transfer-Encoding",
          "TE",
          "Trailer");

  /** How long the engine's connection may idle before it is opened anew (Node.js drops at 5 s). */
  private static final long UPSTREAM_IDLE_NANOS = 2_000_000_000L;

  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int ANSWER_TIMEOUT_MS = 30_000;

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
  private final ServerSocket listener;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

  /**
   * Starts the tap on a free loopback port.
   *
   * @param tables the template's table names (faults can be set on these)
   */
  public DynamoDbTap(URI engine, MetricStore store, List<String> tables) throws IOException {
    this.engine = engine;
    this.store = store;
    this.tables = new LinkedHashSet<>(tables);
    this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "dynamodb-tap-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** The endpoint the functions are given instead of the engine's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
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

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        client.setTcpNoDelay(true);
        connections.add(client);
        Thread thread = new Thread(() -> serve(client), "dynamodb-tap");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        // closed, or a connection that failed before it was accepted
      }
    }
  }

  /** The engine's side of one function connection: opened on first use, kept alive. */
  private final class Upstream implements AutoCloseable {
    private Socket socket;
    private HttpWire wire;
    private OutputStream out;
    private URI target;
    private long lastUsed;

    /**
     * The request's answer from the engine; the connection is reopened when stale or retargeted.
     */
    Answer exchange(byte[] request, boolean headRequest) throws IOException {
      URI now = engine;
      if (socket == null
          || !now.equals(target)
          || System.nanoTime() - lastUsed > UPSTREAM_IDLE_NANOS) {
        close();
      }
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.connect(new InetSocketAddress(now.getHost(), now.getPort()), CONNECT_TIMEOUT_MS);
          socket.setSoTimeout(ANSWER_TIMEOUT_MS);
          wire = new HttpWire(socket.getInputStream());
          out = socket.getOutputStream();
          target = now;
        }
        out.write(request);
        out.flush();
        HttpWire.Head head = wire.readHead();
        if (head == null) {
          throw new java.io.EOFException("the engine closed the connection");
        }
        int status = status(head.startLine());
        byte[] body;
        long length = head.contentLength();
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
          body = new byte[0];
        } else if (head.chunked()) {
          body = wire.readChunked();
        } else if (length >= 0) {
          body = wire.readBody(length);
        } else {
          body = wire.readToEnd();
          close();
        }
        if (head.closes()) {
          close();
        }
        lastUsed = System.nanoTime();
        return new Answer(head, status, body);
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing anyway
        }
        socket = null;
      }
    }
  }

  private record Answer(HttpWire.Head head, int status, byte[] body) {}

  private static int status(String statusLine) throws IOException {
    // HTTP/1.1 200 OK
    int space = statusLine.indexOf(' ');
    try {
      return Integer.parseInt(statusLine.substring(space + 1, space + 4));
    } catch (RuntimeException e) {
      throw new java.net.SocketException("a malformed status line: " + statusLine);
    }
  }

  /**
   * One function connection, request after request. When the engine cannot be reached the
   * connection is closed without an answer, as an unreachable DynamoDB endpoint looks to the SDK.
   */
  private void serve(Socket client) {
    try (client;
        Upstream upstream = new Upstream()) {
      HttpWire wire = new HttpWire(client.getInputStream());
      OutputStream out = client.getOutputStream();
      HttpWire.Head head;
      while ((head = wire.readHead()) != null) {
        long started = System.nanoTime();
        String[] requestLine = head.startLine().split(" ");
        if (requestLine.length != 3) {
          return;
        }
        if ("100-continue".equalsIgnoreCase(head.value("Expect"))) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        byte[] body =
            head.chunked() ? wire.readChunked() : wire.readBody(Math.max(0, head.contentLength()));
        boolean close = head.closes();
        out.write(answer(requestLine, head, body, started, upstream, close));
        out.flush();
        if (close) {
          return;
        }
      }
    } catch (IOException e) {
      // the function's connection ended, or the engine could not be reached
    } finally {
      connections.remove(client);
    }
  }

  /** The answer to one request, as bytes to write: the engine's or an injected fault's. */
  private byte[] answer(
      String[] requestLine,
      HttpWire.Head head,
      byte[] body,
      long started,
      Upstream upstream,
      boolean close)
      throws IOException {
    String target = head.value("X-Amz-Target");
    String operation = target == null ? "" : target.substring(target.lastIndexOf('.') + 1).trim();
    RequestFacts request = RequestFacts.scan(body);
    String table = request.table;
    TableFault fault = table == null ? null : faults.get(table);
    if (fault != null) {
      double roll = ThreadLocalRandom.current().nextDouble();
      if (roll < fault.throttleRate()) {
        throttled(table, operation);
        return error(
            400,
            "Bad Request",
            "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded"
                + " (injected by the local runner).",
            close);
      }
      if (roll < fault.throttleRate() + fault.errorRate()) {
        store.put(systemErrors(table, operation), 1);
        return error(
            500,
            "Internal Server Error",
            "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "Internal server error (injected by the local runner).",
            close);
      }
    }
    if (request.object && CAPACITY.contains(operation) && !request.asksCapacity) {
      body = withCapacity(body, request.empty);
    }
    StringBuilder forward = new StringBuilder(1024);
    forward.append(requestLine[0]).append(' ').append(requestLine[1]).append(" HTTP/1.1\r\n");
    URI to = engine;
    forward.append("Host: ").append(to.getHost()).append(':').append(to.getPort()).append("\r\n");
    for (String line : head.lines()) {
      if (!hopByHop(line)) {
        forward.append(line).append("\r\n");
      }
    }
    forward.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    Answer answer = upstream.exchange(join(forward, body), requestLine[0].equals("HEAD"));
    // Recorded before answering: whoever got the answer finds its metrics already there.
    record(table, operation, answer.status(), answer.body(), (System.nanoTime() - started) / 1e6);
    StringBuilder back = new StringBuilder(512);
    back.append(answer.head().startLine()).append("\r\n");
    for (String line : answer.head().lines()) {
      if (!hopByHop(line)) {
        back.append(line).append("\r\n");
      }
    }
    back.append("Content-Length: ").append(answer.body().length).append("\r\n");
    if (close) {
      back.append("Connection: close\r\n");
    }
    back.append("\r\n");
    return join(back, requestLine[0].equals("HEAD") ? new byte[0] : answer.body());
  }

  private static boolean hopByHop(String line) {
    for (String name : HOP_BY_HOP) {
      if (HttpWire.Head.named(line, name)) {
        return true;
      }
    }
    return false;
  }

  /** A head and a body as one array: one write, one segment on the wire. */
  private static byte[] join(StringBuilder head, byte[] body) {
    int n = head.length();
    byte[] out = new byte[n + body.length];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) head.charAt(i);
    }
    System.arraycopy(body, 0, out, n, body.length);
    return out;
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

  /** An error answer of DynamoDB's shape. */
  private static byte[] error(int status, String reason, String type, String message, boolean close)
      throws IOException {
    ObjectNode error = JSON.createObjectNode();
    error.put("__type", type);
    error.put("message", message);
    byte[] body = JSON.writeValueAsBytes(error);
    StringBuilder head =
        new StringBuilder("HTTP/1.1 ")
            .append(status)
            .append(' ')
            .append(reason)
            .append("\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: ")
            .append(body.length)
            .append("\r\n");
    if (close) {
      head.append("Connection: close\r\n");
    }
    return join(head.append("\r\n"), body);
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket c : connections) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
