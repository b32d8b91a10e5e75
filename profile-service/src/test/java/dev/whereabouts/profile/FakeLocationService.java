package dev.whereabouts.profile;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on loopback playing the location service: it records every request it gets and
 * answers with whatever the test told it to.
 */
final class FakeLocationService implements AutoCloseable {
  /** How the fake answers one request. */
  @FunctionalInterface
  interface Answer {
    void respond(HttpExchange exchange) throws IOException, InterruptedException;
  }

  /** A request as it arrived: method, raw path and query, headers by lower-case name, body. */
  record Received(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Answer answer = exchange -> respond(exchange, 404, "{}");

  FakeLocationService() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          Map<String, List<String>> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  exchange.getRequestURI().getRawQuery(),
                  headers,
                  body));
          try {
            answer.respond(exchange);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // the client gave up (budget exceeded): nothing to answer to
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  /** The base URL a profile function is configured with, stage included. */
  String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/prod";
  }

  void answer(Answer answer) {
    this.answer = answer;
  }

  /** Answers every request with {@code status} and a JSON body. */
  void answer(int status, String json) {
    this.answer = exchange -> respond(exchange, status, json);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
