package dev.whereabouts.runner.server;

import java.util.List;
import java.util.Locale;
import java.util.Set;

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
}
