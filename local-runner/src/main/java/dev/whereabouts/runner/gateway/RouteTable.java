package dev.whereabouts.runner.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the route for a method and path the way API Gateway selects a resource: literal segments
 * beat {@code {parameters}}; a path that matches no resource, or a resource without that method,
 * has no route.
 */
public final class RouteTable {
  private final List<ApiRoute> routes;

  public RouteTable(List<ApiRoute> routes) {
    List<ApiRoute> sorted = new ArrayList<>(routes);
    // More literal segments first, so /auth/tokens/current beats /auth/tokens/{id}.
    sorted.sort(Comparator.comparingInt((ApiRoute r) -> -literalSegments(r.resource())));
    this.routes = List.copyOf(sorted);
  }

  /** A route and the path parameters it bound. */
  public record Match(ApiRoute route, Map<String, String> pathParameters) {}

  public List<ApiRoute> routes() {
    return routes;
  }

  /** The route for {@code method} on the decoded {@code path} (stage already removed). */
  public Optional<Match> find(String method, String path) {
    String[] segments = split(path);
    for (ApiRoute route : routes) {
      if (!route.method().equals(method) && !route.method().equals("ANY")) {
        continue;
      }
      Map<String, String> parameters = bind(split(route.resource()), segments);
      if (parameters != null) {
        return Optional.of(new Match(route, parameters));
      }
    }
    return Optional.empty();
  }

  /** Whether any method is declared on the resource that {@code path} selects. */
  public boolean hasResource(String path) {
    String[] segments = split(path);
    for (ApiRoute route : routes) {
      if (bind(split(route.resource()), segments) != null) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> bind(String[] pattern, String[] segments) {
    if (pattern.length != segments.length) {
      return null;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        if (segments[i].isEmpty()) {
          return null;
        }
        parameters.put(p.substring(1, p.length() - 1), segments[i]);
      } else if (!p.equals(segments[i])) {
        return null;
      }
    }
    return parameters;
  }

  private static String[] split(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }

  private static int literalSegments(String resource) {
    int n = 0;
    for (String s : split(resource)) {
      if (!s.startsWith("{")) {
        n++;
      }
    }
    return n;
  }
}
