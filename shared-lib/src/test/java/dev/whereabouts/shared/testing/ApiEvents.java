package dev.whereabouts.shared.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real API Gateway REST proxy events for tests: each starts from a JSON event as API Gateway sends
 * it ({@code events/rest-proxy.json}) and is changed only where the test says.
 */
public final class ApiEvents {
  private final APIGatewayProxyRequestEvent event;

  private ApiEvents(String method, String resource, String path) {
    event = EventLoader.loadApiGatewayRestEvent("events/rest-proxy.json");
    event.setHttpMethod(method);
    event.setResource(resource);
    event.setPath(path);
    event.getRequestContext().setHttpMethod(method);
    event.getRequestContext().setResourcePath(resource);
    event.getRequestContext().setPath("/prod" + path);
    event.getRequestContext().setRequestId(UUID.randomUUID().toString());
    event.setHeaders(new HashMap<>(event.getHeaders()));
    event.setMultiValueHeaders(new HashMap<>(event.getMultiValueHeaders()));
    event.setPathParameters(new HashMap<>());
  }

  /** An event for {@code method} on {@code resource} (as in the template) at {@code path}. */
  public static ApiEvents request(String method, String resource, String path) {
    return new ApiEvents(method, resource, path);
  }

  /** Sets a path parameter. */
  public ApiEvents pathParameter(String name, String value) {
    event.getPathParameters().put(name, value);
    return this;
  }

  /** Sets a header (single- and multi-value maps, as API Gateway does). */
  public ApiEvents header(String name, String value) {
    event.getHeaders().put(name, value);
    event.getMultiValueHeaders().put(name, List.of(value));
    return this;
  }

  /** A JSON body with {@code Content-Type: application/json}. */
  public ApiEvents json(String body) {
    header("Content-Type", "application/json");
    event.setBody(body);
    return this;
  }

  /** A raw body, no content type set. */
  public ApiEvents body(String body) {
    event.setBody(body);
    return this;
  }

  /** The authorizer context API Gateway passes when the REQUEST authorizer allowed the call. */
  public ApiEvents caller(String userId) {
    Map<String, Object> authorizer = new HashMap<>();
    authorizer.put("principalId", userId);
    authorizer.put("userId", userId);
    authorizer.put("integrationLatency", 12);
    event.getRequestContext().setAuthorizer(authorizer);
    return this;
  }

  /** The event. */
  public APIGatewayProxyRequestEvent build() {
    return event;
  }
}
