package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One method on one API Gateway resource, as the template declares it.
 *
 * @param method the HTTP method, upper case
 * @param resource the resource path with parameters, e.g. {@code /locations/{userId}}
 * @param function the logical id of the function behind it
 * @param auth how callers are authenticated
 * @param bodySchema the JSON schema of the request model, when the route validates bodies
 * @param throttle a per-method throttle overriding the stage's, when declared
 */
public record ApiRoute(
    String method,
    String resource,
    String function,
    Auth auth,
    Optional<JsonNode> bodySchema,
    Optional<Throttle.Limits> throttle) {
  public ApiRoute {
    method = method.toUpperCase(Locale.ROOT);
  }

  /** How a route authenticates. */
  public sealed interface Auth {}

  /** A public route. */
  public record NoAuth() implements Auth {}

  /** {@code AWS_IAM}: SigV4-signed requests from identities allowed to invoke the route. */
  public record IamAuth() implements Auth {}

  /**
   * A Lambda REQUEST authorizer.
   *
   * @param name the authorizer's name in the template
   * @param function the authorizer function's logical id
   * @param identityHeaders headers that must be present (and form the cache key)
   * @param ttlSeconds how long a result is cached; 0 means not at all
   */
  public record AuthorizerAuth(
      String name, String function, List<String> identityHeaders, int ttlSeconds) implements Auth {}

  /** {@code "PUT /locations/{userId}"}. */
  public String key() {
    return method + " " + resource;
  }
}
