package dev.whereabouts.runner.server;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The runner's one port: the gateway, the runner's own pages under {@code /_local/} and the
 * dashboard, on a {@link LoopbackServer}. This class holds the runner's whole policy on who may
 * call it, in one place:
 *
 * <ul>
 *   <li>every request must name a host the runner serves ({@link ServedHosts}: no DNS rebinding);
 *   <li>the runner's own pages answer no other origin ({@code Origin} absent or the runner's), and
 *       a call that changes state must be {@code application/json} (which a page of another origin
 *       cannot send without a preflight the runner never grants) and not {@code Sec-Fetch-Site:
 *       cross-site} or {@code same-site};
 *   <li>the runner's own pages carry a Content-Security-Policy that allows only the runner's own
 *       files and no framing.
 * </ul>
 *
 * The gateway's own policy (CORS for the API, authorizers, throttling) is the gateway's: API
 * Gateway lets any origin call an API its CORS settings allow.
 */
public final class RunnerServer implements AutoCloseable {
  /** The runner's own pages' prefix. */
  public static final String LOCAL = "/_local";

  private static final Set<String> READ_ONLY = Set.of("GET", "HEAD");

  /** The headers every page under {@code /_local} answers with. */
  public static final Map<String, String> PAGE_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
          "X-Frame-Options",
          "DENY",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "no-referrer",
          "Cache-Control",
          "no-store");

  private final LoopbackServer server;
  private final Map<String, LoopbackServer.Page> pages = new ConcurrentHashMap<>();
  private final LoopbackServer.Page gateway;

  /**
   * Binds {@code port} on loopback (0: a free one); {@link #start()} starts serving.
   *
   * @param gateway everything outside {@code /_local}
   * @param problems how refusals look
   * @param log where refusals are told, one line each
   * @throws java.net.BindException when the port is taken
   */
  public RunnerServer(
      int port, LoopbackServer.Page gateway, LoopbackServer.Problems problems, Consumer<String> log)
      throws IOException {
    this.gateway = gateway;
    this.server = new LoopbackServer("gateway", port, this::handle, problems, log);
  }

  /** The port clients use. */
  public int port() {
    return server.port();
  }

  /**
   * Serves {@code handler} at exactly {@code path} and below it; the path is under {@code LOCAL}.
   */
  public void page(String path, LoopbackServer.Page handler) {
    if (!path.startsWith(LOCAL + "/")) {
      throw new IllegalArgumentException("the runner's pages are under " + LOCAL);
    }
    pages.put(path, handler);
  }

  /** Starts answering on the bound port. */
  public void start() throws IOException {
    server.start();
  }

  @Override
  public void close() {
    server.close();
  }

  private void handle(Exchange exchange) throws IOException {
    String path = exchange.rawPath();
    boolean local = path.equals(LOCAL) || path.startsWith(LOCAL + "/");
    if (local) {
      exchange.presetHeaders(PAGE_HEADERS);
      exchange.presetHeaders(Map.of("x-amzn-RequestId", UUID.randomUUID().toString()));
    }
    String refusal = refusal(exchange, local);
    if (refusal != null) {
      server.refuse(exchange, Integer.parseInt(refusal.substring(0, 3)), refusal.substring(4));
      return;
    }
    if (!local) {
      gateway.handle(exchange);
      return;
    }
    LoopbackServer.Page page = pageFor(path);
    if (page == null) {
      server.refuse(
          exchange, 404, "The runner has no page " + LoopbackServer.printable(path) + ".");
    } else {
      page.handle(exchange);
    }
  }

  private LoopbackServer.Page pageFor(String path) {
    for (String p = path; p.length() > LOCAL.length(); p = p.substring(0, p.lastIndexOf('/'))) {
      LoopbackServer.Page page = pages.get(p);
      if (page != null) {
        return page;
      }
    }
    return null;
  }

  /** Why the policy refuses this request ("status detail"), or null to serve it. */
  private String refusal(Exchange exchange, boolean local) {
    if (!ServedHosts.serves(exchange.headers("Host"), port())) {
      return "400 The runner answers only for the host names it serves (127.0.0.1, localhost,"
          + " [::1]), not for the Host this request names.";
    }
    if (!local) {
      return null;
    }
    List<String> origins = exchange.headers("Origin");
    if (!origins.isEmpty() && !(origins.size() == 1 && ownOrigin(origins.get(0)))) {
      return "403 The runner's own pages answer no other origin.";
    }
    String site = exchange.header("Sec-Fetch-Site");
    if (site != null && !(site.equals("same-origin") || site.equals("none"))) {
      return "403 The runner's own pages answer only its own pages and the user (Sec-Fetch-Site: "
          + LoopbackServer.printable(site)
          + ").";
    }
    if (!READ_ONLY.contains(exchange.method()) && !json(exchange.headers("Content-Type"))) {
      return "415 A call that changes the runner's state is application/json.";
    }
    return null;
  }

  private boolean ownOrigin(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    int port = port();
    return o.equals("http://127.0.0.1:" + port)
        || o.equals("http://localhost:" + port)
        || o.equals("http://[::1]:" + port);
  }

  private static boolean json(List<String> contentTypes) {
    if (contentTypes.size() != 1) {
      return false;
    }
    String type = contentTypes.get(0);
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon))
        .trim()
        .equalsIgnoreCase("application/json");
  }
}
