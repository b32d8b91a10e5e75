package dev.whereabouts.profile;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.Deadline;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.store.Aws;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The profile service's call to the location service: {@code GET {base}/locations/{userId}}, signed
 * with SigV4 ({@link LocationSigner}) for API Gateway's AWS_IAM authorization, within a hard time
 * budget ({@link LookupBudget}, {@link LocationCall}).
 *
 * <p>The call degrades instead of failing: whatever goes wrong (timeout, refused connection, 403,
 * 5xx, a body that is not a location) becomes {@link Unavailable}, counted as {@value
 * #LOOKUP_UNAVAILABLE} and logged once as WARN, so {@code GET /profiles} still answers. Every call
 * records {@value #LOOKUP_LATENCY}. Built once per execution environment; thread-safe.
 */
public final class LocationClient {
  /** Custom metric: how long a lookup took, in milliseconds (every lookup). */
  public static final String LOOKUP_LATENCY = "LocationLookupLatency";

  /** Custom metric: a lookup ended without an answer from the location service. */
  public static final String LOOKUP_UNAVAILABLE = "LocationLookupUnavailable";

  /** What a lookup found. */
  public sealed interface Result permits Found, None, Unavailable {}

  /** The location service answered with the user's location. */
  public record Found(double latitude, double longitude, Optional<String> name, String updatedAt)
      implements Result {
    /** The representation merged into a profile. */
    public JsonObject toJson() {
      JsonObject json = Json.object();
      json.put("latitude", latitude);
      json.put("longitude", longitude);
      json.put("name", name.orElse(null));
      json.put("updatedAt", updatedAt);
      return json;
    }
  }

  /** The location service answered 404: the user has stored no location. */
  public record None() implements Result {}

  /** No usable answer; {@code reason} is for the log, never for the client. */
  public record Unavailable(String reason) implements Result {}

  /**
   * One lookup: whose location, and where the request came from.
   *
   * <p>Nothing in it comes from what a client can set: the API id and the stage are API Gateway's
   * own request context, never the {@code Host} or {@code X-Forwarded-*} headers a client sends.
   *
   * @param userId the user (already validated)
   * @param apiId the REST API id of the incoming request (its request context)
   * @param stage the stage of the incoming request, likewise
   * @param requestId the incoming request's id, for the log
   * @param correlationId passed on as {@code X-Correlation-Id}
   * @param traceHeader the invocation's X-Ray header, passed on as {@code X-Amzn-Trace-Id} so the
   *     location call joins the request's trace
   */
  public record Lookup(
      String userId,
      String apiId,
      String stage,
      String requestId,
      String correlationId,
      Optional<String> traceHeader) {}

  private final Optional<URI> apiUrl;
  private final Optional<URI> executeApiEndpoint;
  private final LookupBudget budget;
  private final LocationSigner signer;
  private final LocationCall call;

  /**
   * @param apiUrl the base URL of the API serving {@code /locations}; empty to derive it from each
   *     request's API id and stage
   * @param executeApiEndpoint where API Gateway's execute API is reached instead of {@code
   *     https://<apiId>.execute-api.<region>.amazonaws.com} (the local runner); empty on AWS
   * @param budget the time a lookup may take, at most {@link LookupBudget#MAX_BUDGET}
   * @param region the signing region, and the region of the derived URL
   * @param credentials the function's credentials, resolved on every call
   */
  public LocationClient(
      Optional<URI> apiUrl,
      Optional<URI> executeApiEndpoint,
      Duration budget,
      String region,
      AwsCredentialsProvider credentials) {
    this(
        apiUrl,
        executeApiEndpoint,
        new LookupBudget(budget),
        new LocationSigner(region, credentials),
        LocationCall.httpClient(budget));
  }

  private LocationClient(
      Optional<URI> apiUrl,
      Optional<URI> executeApiEndpoint,
      LookupBudget budget,
      LocationSigner signer,
      SdkHttpClient http) {
    this.apiUrl = apiUrl;
    this.executeApiEndpoint = executeApiEndpoint;
    this.budget = budget;
    this.signer = signer;
    this.call = new LocationCall(http);
  }

  /**
   * Configured from {@code LOCATION_API_URL} (optional), {@code AWS_ENDPOINT_URL_EXECUTE_API}
   * (optional, the SDK's naming for a service endpoint; the local runner sets it to itself), {@code
   * LOCATION_BUDGET_MS} (optional, 1–1000, default 800), {@code AWS_REGION} and the function's
   * credentials.
   *
   * @throws IllegalStateException naming the variable that is set wrongly, so init fails
   */
  public static LocationClient fromEnvironment(Environment env) {
    return fromEnvironment(env, LocationCall::httpClient);
  }

  /** The same, with the HTTP client {@code http} makes for the budget (priming's sends nothing). */
  static LocationClient fromEnvironment(Environment env, Function<Duration, SdkHttpClient> http) {
    LookupBudget budget = LookupBudget.fromVariable(env.optional("LOCATION_BUDGET_MS"));
    return new LocationClient(
        env.optional("LOCATION_API_URL").map(v -> LocationApi.apiUrl("LOCATION_API_URL", v)),
        env.optional("AWS_ENDPOINT_URL_EXECUTE_API")
            .map(v -> LocationApi.apiUrl("AWS_ENDPOINT_URL_EXECUTE_API", v)),
        budget,
        new LocationSigner(Aws.region(env).id(), Aws.credentials(env)),
        http.apply(budget.budget()));
  }

  /**
   * Looks the user's location up. Never throws; never takes longer than the budget, nor longer than
   * the time {@code deadline} leaves less {@link LookupBudget#INVOCATION_MARGIN}.
   *
   * @param metrics where {@value #LOOKUP_LATENCY} and {@value #LOOKUP_UNAVAILABLE} go
   * @param log where an unavailable lookup is reported
   */
  public Result find(Lookup lookup, Deadline deadline, Metrics metrics, Log log) {
    long start = System.nanoTime();
    Result result;
    try {
      result = findWithinBudget(lookup, deadline);
    } catch (RuntimeException e) {
      result = new Unavailable("unexpected error (" + e.getClass().getSimpleName() + ")");
    }
    double millis = (System.nanoTime() - start) / 1_000_000.0;
    metrics.milliseconds(LOOKUP_LATENCY, millis);
    if (result instanceof Unavailable unavailable) {
      metrics.count(LOOKUP_UNAVAILABLE);
      log.warn("location lookup unavailable")
          .with("requestId", lookup.requestId())
          .with("correlationId", lookup.correlationId())
          .with("userId", lookup.userId())
          .with("reason", unavailable.reason())
          .with("latencyMs", Math.round(millis * 100) / 100.0)
          .write();
    }
    return result;
  }

  private Result findWithinBudget(Lookup lookup, Deadline deadline) {
    Optional<URI> base =
        apiUrl.or(
            () ->
                LocationApi.derivedApiUrl(
                    lookup.apiId(), lookup.stage(), signer.region(), executeApiEndpoint));
    if (base.isEmpty()) {
      return new Unavailable("no LOCATION_API_URL and no API id/stage in the request context");
    }
    Optional<Duration> allowed = budget.allowedWithin(deadline);
    if (allowed.isEmpty()) {
      return new Unavailable("no time left in the invocation");
    }
    return call.send(() -> signer.sign(base.get(), lookup), lookup.userId(), allowed.get());
  }
}
