package dev.whereabouts.shared.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.store.VersionConflict;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The handler boundary shared by every HTTP function: routing (a map from {@code "METHOD
 * /resource"} to code), the one place where problems become {@code application/problem+json}, the
 * request log line and the metrics line; a request flows through {@link #handle} top to bottom.
 */
public final class HttpFunction {
  /** How long a client should wait after a throttled or unreachable dependency. */
  public static final Duration DEPENDENCY_RETRY_AFTER = Duration.ofSeconds(1);

  private final String service;
  private final Map<String, Route> routes;
  private final Telemetry telemetry;
  private final AtomicBoolean cold = new AtomicBoolean(true);

  /**
   * @param service the service name, used in logs and as the metrics dimension
   * @param routes route key ({@code "GET /profiles/{userId}"}) to code
   * @param telemetry where and from which level its log lines go, and its metrics' stack
   */
  public HttpFunction(String service, Map<String, Route> routes, Telemetry telemetry) {
    this.service = service;
    this.routes = Map.copyOf(routes);
    this.telemetry = telemetry;
  }

  /** The route keys this function serves (checked against template.yaml by the tests). */
  public Set<String> routeKeys() {
    return routes.keySet();
  }

  /**
   * Handles one API Gateway proxy event given as bytes, as Lambda hands them to a {@code
   * RequestStreamHandler}, and writes the proxy response JSON. Throws only when the bytes are not
   * an event at all, which API Gateway never sends.
   */
  public void handle(InputStream event, OutputStream response, Context context) throws IOException {
    write(handle(ProxyEvent.read(event), Invocation.of(context)), response);
  }

  /** Handles one API Gateway proxy event. Never throws. */
  public Response handle(ProxyEvent event, Invocation invocation) {
    long start = System.nanoTime();
    boolean coldStart = cold.getAndSet(false);
    String functionName = invocation.functionName();
    Log log = telemetry.log(service, functionName).traced(invocation.traceHeader());
    Metrics metrics = telemetry.metrics(service);
    Request request = Request.from(event, invocation, metrics, log);

    Response response;
    try {
      Route route = routes.get(request.routeKey());
      if (route == null) {
        throw Problem.missingAuthenticationToken();
      }
      response = route.handle(request);
    } catch (Problem problem) {
      response = problemResponse(problem, request);
    } catch (VersionConflict conflict) {
      // A conditional write found another version: If-Match did not hold, nothing was written.
      response = problemResponse(Problem.preconditionFailed(conflict.getMessage()), request);
    } catch (SdkServiceException e) {
      // A throttle or a 5xx of the storage service, after the SDK's bounded retries: transient,
      // so the client gets 503 with Retry-After (openapi.yaml), not a 500 it cannot act on.
      if (e.isThrottlingException() || e.statusCode() >= 500) {
        log.warn("dependency throttled")
            .with("requestId", request.requestId())
            .with("correlationId", request.correlationId())
            .error(e)
            .write();
        response =
            problemResponse(
                Problem.serviceUnavailable(
                    "The service is busy; retry after the time given in Retry-After.",
                    DEPENDENCY_RETRY_AFTER),
                request);
      } else {
        response = internalError(log, request, e);
      }
    } catch (SdkClientException e) {
      log.warn("dependency unreachable")
          .with("requestId", request.requestId())
          .with("correlationId", request.correlationId())
          .error(e)
          .write();
      response =
          problemResponse(
              Problem.serviceUnavailable(
                  "A dependency did not answer in time; retry after the time given in"
                      + " Retry-After.",
                  DEPENDENCY_RETRY_AFTER),
              request);
    } catch (RuntimeException e) {
      response = internalError(log, request, e);
    }

    response =
        response
            .withHeader("X-Request-Id", request.requestId())
            .withHeader("X-Correlation-Id", request.correlationId());
    double latencyMs = (System.nanoTime() - start) / 1_000_000.0;
    log.info("request")
        .with("requestId", request.requestId())
        .with("correlationId", request.correlationId())
        .with("route", request.routeKey())
        .with("status", response.status())
        .with("latencyMs", Math.round(latencyMs * 100) / 100.0)
        .with("coldStart", coldStart)
        .with("userId", request.caller().orElse(null))
        .write();
    metrics
        .toEmf(
            Instant.now(),
            Map.of(
                "requestId", request.requestId(),
                "correlationId", request.correlationId(),
                "function", functionName))
        .ifPresent(telemetry.output()::line);
    return response;
  }

  private static Response internalError(Log log, Request request, RuntimeException e) {
    log.error("unhandled error")
        .with("requestId", request.requestId())
        .with("correlationId", request.correlationId())
        .with("route", request.routeKey())
        .error(e)
        .write();
    return problemResponse(Problem.internal(), request);
  }

  /** Renders a problem as {@code application/problem+json}. */
  public static Response problemResponse(Problem problem, Request request) {
    JsonObject body = Json.object();
    body.put("type", problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    body.put("requestId", request.requestId());
    Map<String, String> headers = new LinkedHashMap<>(problem.headers());
    headers.put("Content-Type", "application/problem+json");
    // An error describes one request; no cache (the edge in front, a browser) may answer another
    // request with it.
    headers.put("Cache-Control", "no-store");
    return new Response(problem.status(), headers, Json.write(body));
  }

  /** Writes a response as the REST API proxy integration's response JSON. */
  static void write(Response response, OutputStream out) throws IOException {
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("statusCode", response.status());
      g.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> header : response.headers().entrySet()) {
        g.writeStringField(header.getKey(), header.getValue());
      }
      g.writeEndObject();
      if (response.body() != null) {
        g.writeStringField("body", response.body());
      }
      g.writeBooleanField("isBase64Encoded", false);
      g.writeEndObject();
    }
  }
}
