package dev.whereabouts.runner.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The host names the runner answers for: the loopback names ({@code 127.0.0.1}, {@code localhost},
 * {@code [::1]}), with or without the port it listens on. The runner prints {@code 127.0.0.1}.
 *
 * <p>Why: the runner listens on loopback only, but a web page can point a host name of its own at
 * 127.0.0.1 (DNS rebinding) and then read the runner's answers from the browser, which sends that
 * name as {@code Host}. A request naming any other host is refused before anything else runs, so
 * nothing the runner serves is reachable under a name it does not print.
 */
public final class ServedHosts {
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

  private ServedHosts() {}

  /**
   * Whether a request's {@code Host} values name this runner.
   *
   * @param hosts every {@code Host} header of the request (HTTP/1.1 requires exactly one; an
   *     HTTP/1.0 request without one can come only from a local program, not a browser)
   * @param port the port the request arrived on
   */
  public static boolean serves(List<String> hosts, int port) {
    if (hosts == null || hosts.isEmpty()) {
      return true;
    }
    if (hosts.size() > 1) {
      return false;
    }
    String host = hosts.get(0).trim().toLowerCase(Locale.ROOT);
    String suffix = ":" + port;
    String name = host.endsWith(suffix) ? host.substring(0, host.length() - suffix.length()) : host;
    return LOOPBACK_NAMES.contains(name);
  }

  /**
   * Wraps one of the runner's own pages ({@code /_local/*}) so it answers only clients on this
   * machine; anything else gets a 403 problem. (The {@code Host} is checked before, by {@link
   * RequestLineGuard}, for every request.)
   */
  public static HttpHandler loopbackOnly(HttpHandler page) {
    return exchange -> {
      if (exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        page.handle(exchange);
      } else {
        refuse(exchange);
      }
    };
  }

  private static void refuse(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    byte[] body =
        ("{\"type\":\"https://whereabouts.dev/problems/forbidden\",\"title\":\"Forbidden\","
                + "\"status\":403,\"detail\":\"The runner's own pages answer only on"
                + " loopback.\",\"requestId\":\""
                + requestId
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getRequestBody().close();
    exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(403, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    exchange.close();
  }
}
