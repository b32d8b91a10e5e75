package dev.whereabouts.runner.server;

import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An HTTP/1.1 server on one loopback port, on Jetty (docs/decisions/0015), as every port the runner
 * opens is: Jetty frames the requests and answers, checks the request line, URI and headers against
 * RFC 9110 and RFC 3986, refuses heads over {@link #MAX_HEAD_BYTES} (431), closes connections
 * silent for {@link #IDLE_TIMEOUT_MS} and stops accepting past {@link #MAX_CONNECTIONS}. What it
 * refuses itself is answered through {@link Problems}, never as Jetty's HTML page or a stack trace.
 */
public final class LoopbackServer implements AutoCloseable {
  /** The longest request line plus headers; longer ones are answered 431. */
  public static final int MAX_HEAD_BYTES = 16 * 1024;

  /**
   * Connections open at once; past it the server stops accepting until one closes (a client that
   * holds partial heads open cannot make the runner start a thread per connection).
   */
  public static final int MAX_CONNECTIONS = 512;

  /** How long a connection may stay silent (a partial head, an idle keep-alive). */
  public static final long IDLE_TIMEOUT_MS = 30_000;

  /** The largest body the runner's servers read (API Gateway's payload limit is lower). */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** Threads that run handlers: the gateway blocks one per request in flight. */
  public static final int MAX_THREADS = 200;

  /**
   * Jetty sizes its padding against false sharing by references per cache line; unless told, it
   * asks the platform MBean server whether oops are compressed, and starting JMX for that one
   * answer cost 0.4-0.9 s of CPU on the start-up's critical path (docs/performance.md, issue 21).
   * HotSpot compresses references below a 32 GiB heap, so a 64-byte line holds 16 of them, else 8;
   * a wrong guess would only cost padding, never correctness. A value the user set is kept.
   */
  static {
    String property = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(property) == null) {
      boolean compressedOops = Runtime.getRuntime().maxMemory() < (32L << 30);
      System.setProperty(property, compressedOops ? "16" : "8");
    }
  }

  /** Handles one request; it must answer it. */
  @FunctionalInterface
  public interface Page {
    void handle(Exchange exchange) throws IOException;
  }

  /** Renders the answers a server gives itself. */
  @FunctionalInterface
  public interface Problems {
    /**
     * @param status 400, 403, 415, 431, …
     * @param detail what was wrong, for the client
     * @param requestId the id the answer's {@code x-amzn-RequestId} carries too
     */
    Problem render(int status, String detail, String requestId);
  }

  /** An answer a server gives itself: status, headers, body. */
  public record Problem(int status, Map<String, String> headers, String body) {}

  private final Server server;
  private final ServerConnector connector;
  private final Problems problems;
  private final Consumer<String> log;

  /**
   * Binds {@code port} on loopback (0: a free one); {@link #start()} starts serving.
   *
   * @param name the name of its threads
   * @param handler answers every request
   * @param problems how the server's own refusals look
   * @param log where those refusals are told, one line each
   * @throws BindException when the port is taken
   */
  public LoopbackServer(
      String name, int port, Page handler, Problems problems, Consumer<String> log)
      throws IOException {
    this.problems = problems;
    this.log = log;
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
    threads.setName(name);
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_HEAD_BYTES);
    http.setHttpCompliance(HttpCompliance.RFC9110);
    // RFC 3986 paths, but an encoded '/' or '%2e' segment reaches the gateway, which matches
    // routes on the decoded path as API Gateway does: ambiguity is its to judge, not the server's.
    http.setUriCompliance(
        UriCompliance.RFC3986.with(
            "gateway",
            UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
            UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
            UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_PATH_PARAMETER,
            UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS));
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    connector.setAcceptQueueSize(128);
    connector.setReuseAddress(false);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.setErrorHandler(new ProblemErrorHandler());
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            Exchange exchange = new Exchange(request, response, callback);
            try {
              handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
              if (!exchange.answered()) {
                exchange.fail(e);
              }
            }
            return true;
          }
        });
    try {
      connector.open();
    } catch (IOException e) {
      if (e.getCause() instanceof BindException taken) {
        throw taken;
      }
      throw e;
    }
  }

  /** The port clients use. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Starts answering on the bound port. */
  public void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("the HTTP server did not start: " + e.getMessage(), e);
    }
  }

  /** Answers with a problem rendered by this server's {@link Problems}, and logs it. */
  public void refuse(Exchange exchange, int status, String detail) throws IOException {
    String requestId = UUID.randomUUID().toString();
    Problem problem = problems.render(status, detail, requestId);
    Map<String, String> headers = new java.util.LinkedHashMap<>(problem.headers());
    headers.put("x-amzn-RequestId", requestId);
    exchange.respondWith(
        problem.status(), headers, problem.body().getBytes(StandardCharsets.UTF_8));
    log.accept(
        printable(exchange.method())
            + " "
            + printable(exchange.rawPath())
            + " "
            + problem.status()
            + " (refused: "
            + detail
            + ")");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
    connector.close();
  }

  /** At most 80 characters of {@code s}, anything but printable ASCII as '?'. */
  public static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("[^\\x20-\\x7E…]", "?");
  }

  /**
   * The server's own answers (a malformed request line or URI, a head over the limit, a timeout):
   * problems, never Jetty's HTML page or a stack trace.
   */
  private final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = response.getStatus();
      if (status < 400) {
        status = 500;
      }
      Object message = request.getAttribute(ERROR_MESSAGE);
      String detail = detail(status, message == null ? null : message.toString());
      String requestId = UUID.randomUUID().toString();
      Problem problem = problems.render(status, detail, requestId);
      response.setStatus(problem.status());
      HttpFields.Mutable headers = response.getHeaders();
      problem.headers().forEach(headers::put);
      headers.put("x-amzn-RequestId", requestId);
      headers.put("Cache-Control", "no-store");
      response.write(
          true, ByteBuffer.wrap(problem.body().getBytes(StandardCharsets.UTF_8)), callback);
      if (problem.status() < 500) {
        log.accept("? ? " + problem.status() + " (refused by the server: " + detail + ")");
      }
      return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      String requestId = UUID.randomUUID().toString();
      Problem problem = problems.render(status, detail(status, reason), requestId);
      problem.headers().forEach(fields::put);
      fields.put("x-amzn-RequestId", requestId);
      log.accept("? ? " + status + " (refused by the server: " + detail(status, reason) + ")");
      return ByteBuffer.wrap(problem.body().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What the client is told: the server's reason where it says something useful. */
  private static String detail(int status, String reason) {
    return switch (status) {
      case 431 -> "The request's headers are over " + MAX_HEAD_BYTES + " bytes.";
      case 408 -> "The request did not arrive in time.";
      case 413 -> "Request Too Long";
      case 505 -> "Only HTTP/1.0 and HTTP/1.1 are served.";
      default ->
          status >= 500
              ? "The request could not be answered."
              : "The request is malformed"
                  + (reason == null || reason.isBlank() ? "" : ": " + printable(reason))
                  + ".";
    };
  }
}
