package dev.whereabouts.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proves the order of an owner's write checks on one route, as openapi.yaml gives it: a request
 * breaking every rule at once is mended one rule at a time, and each answer must be the next
 * rule's: no caller 401, a malformed path user id 400, the body (a wrong media type, 415; routes
 * without a body skip it), another user's resource 403, a malformed {@code If-Match} 400.
 */
public final class OwnerWriteOrder {
  private static final String OWNER = "olga";

  private OwnerWriteOrder() {}

  /**
   * @param method the route's method, such as {@code PUT}
   * @param resource the route's resource with a {@code {userId}} parameter
   * @param validBody a body the route accepts, or empty for a route without one
   */
  public static void assertChecksInContractOrder(
      RequestStreamHandler handler, String method, String resource, Optional<String> validBody) {
    List<String> answers = new ArrayList<>();
    List<String> expected = new ArrayList<>();

    answers.add(answer(handler, event(method, resource, false, false, false, validBody)));
    expected.add("401");
    answers.add(answer(handler, event(method, resource, true, false, false, validBody)));
    expected.add("400 userId");
    if (validBody.isPresent()) {
      answers.add(answer(handler, event(method, resource, true, true, false, validBody)));
      expected.add("415");
    }
    answers.add(answer(handler, event(method, resource, true, true, true, validBody)));
    expected.add("403");
    APIGatewayProxyRequestEvent byOwner = event(method, resource, true, true, true, validBody);
    byOwner.getRequestContext().getAuthorizer().put("userId", OWNER);
    byOwner.getRequestContext().getAuthorizer().put("principalId", OWNER);
    answers.add(answer(handler, byOwner));
    expected.add("400 If-Match");

    assertEquals(expected, answers, method + " " + resource);
  }

  /**
   * A request that breaks every rule, mended up to the given point: anonymous unless {@code caller}
   * (then another user's); a malformed path user id unless {@code pathMended}; a body of the wrong
   * media type unless {@code bodyMended}; always a malformed {@code If-Match}.
   */
  private static APIGatewayProxyRequestEvent event(
      String method,
      String resource,
      boolean caller,
      boolean pathMended,
      boolean bodyMended,
      Optional<String> validBody) {
    String userId = pathMended ? OWNER : "Not A UserId!";
    ApiEvents event =
        ApiEvents.request(method, resource, resource.replace("{userId}", userId))
            .pathParameter("userId", userId)
            .header("If-Match", "not-a-version");
    if (caller) {
      event.caller("mallory");
    }
    if (validBody.isPresent()) {
      if (bodyMended) {
        event.json(validBody.get());
      } else {
        event.header("Content-Type", "text/plain").body(validBody.get());
      }
    }
    return event.build();
  }

  private static String answer(RequestStreamHandler handler, APIGatewayProxyRequestEvent event) {
    APIGatewayProxyResponseEvent response = StreamInvocations.call(handler, event);
    int status = response.getStatusCode();
    if (status != 400) {
      return Integer.toString(status);
    }
    String body = response.getBody();
    assertTrue(body.contains("userId") ^ body.contains("If-Match"), body);
    return body.contains("If-Match") ? "400 If-Match" : "400 userId";
  }
}
