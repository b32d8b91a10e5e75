package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who the gateway's authentication stage found behind a request, as the proxy event's {@code
 * requestContext} reports it.
 *
 * @param accessKey the SigV4 access key id of an {@code AWS_IAM} route, else null
 * @param authorizer the REQUEST authorizer's result (principalId, policy, context), else null
 */
record Caller(String accessKey, JsonNode authorizer) {
  /** A route with no authentication. */
  static final Caller ANONYMOUS = new Caller(null, null);

  static Caller signed(String accessKey) {
    return new Caller(accessKey, null);
  }

  static Caller authorized(JsonNode authorizer) {
    return new Caller(null, authorizer);
  }
}
