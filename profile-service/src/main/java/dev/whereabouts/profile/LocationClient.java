package dev.whereabouts.profile;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.json.Timestamps;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The profile service's call to the location service: {@code GET {base}/locations/{userId}}, signed
 * with SigV4 for API Gateway's AWS_IAM authorization, within a hard time budget.
 *
 * <p>The call never throws: whatever goes wrong (timeout, refused connection, 403, 5xx, a body that
 * is not a location) becomes {@link Unavailable}, counted as {@value #LOOKUP_UNAVAILABLE} and
 * logged once as WARN, so {@code GET /profiles} degrades instead of failing. Every call records
 * {@value #LOOKUP_LATENCY}.
 *
 * <p>The budget is a wall-clock bound over everything the call does (credentials, connect, headers,
 * body): the call runs on a daemon thread and the caller waits at most the budget, then aborts the
 * connection. The HTTP client's own connect and read timeouts equal the budget too, so an abandoned
 * thread does not linger. Built once per execution environment; thread-safe.
 */
public final class LocationClient {
  /** How long a lookup may take unless {@code LOCATION_BUDGET_MS} says otherwise. */
  public static final Duration DEFAULT_BUDGET = Duration.ofMillis(800);

  /** The contract's ceiling for the budget. */
  public static final Duration MAX_BUDGET = Duration.ofMillis(1000);

  /** Time kept back from the Lambda invocation's remaining time, to still answer the client. */
  public static final Duration INVOCATION_MARGIN = Duration.ofMillis(200);

  /** The most of a response body that is read. A location is about 150 bytes. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The SigV4 signing name of API Gateway's execute API. */
  public static final String SIGNING_NAME = "execute-api";

  /** Custom metric: how long a lookup took, in milliseconds (every lookup). */
  public static final String LOOKUP_LATENCY = "LocationLookupLatency";

  /** Custom metric: a lookup ended without an answer from the location service. */
  public static final String LOOKUP_UNAVAILABLE = "LocationLookupUnavailable";

  /** API Gateway's REST API ids: ten lower-case letters and digits ({@code local} locally). */
  private static final Pattern API_ID = Pattern.compile("^[a-z0-9]{1,32}$");

  private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$");
  private static final Pattern STAGE = Pattern.compile("^[A-Za-z0-9_-]{1,128}$");

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
   *     location call joins the request's trace; null for none
   */
  public record Lookup(
      String userId,
      String apiId,
      String stage,
      String requestId,
      String correlationId,
      String traceHeader) {}

  /** An X-Ray header's form: {@code key=value} pairs of visible ASCII, bounded. */
  private static final Pattern TRACE_HEADER =
      Pattern.compile("[A-Za-z]+=[0-9A-Za-z-]+(;[A-Za-z]+=[0-9A-Za-z:-]+){0,8}");

  private final Optional<URI> apiUrl;
  private final Optional<URI> executeApiEndpoint;
  private final Duration budget;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final AwsV4HttpSigner signer;
  private final SdkHttpClient http;
  private final ExecutorService calls;
  private final Log log;

  /**
   * @param apiUrl the base URL of the API serving {@code /locations}; empty to derive it from each
   *     request's API id and stage
   * @param executeApiEndpoint where API Gateway's execute API is reached instead of {@code
   *     https://<apiId>.execute-api.<region>.amazonaws.com} (the local runner); empty on AWS
   * @param budget the time a lookup may take, at most {@link #MAX_BUDGET}
   * @param region the signing region, and the region of the derived URL
   * @param credentials the function's credentials, resolved on every call
   * @param functionName for the log lines
   */
  public LocationClient(
      Optional<URI> apiUrl,
      Optional<URI> executeApiEndpoint,
      Duration budget,
      String region,
      AwsCredentialsProvider credentials,
      String functionName) {
    if (budget.isNegative() || budget.isZero() || budget.compareTo(MAX_BUDGET) > 0) {
      throw new IllegalArgumentException("budget must be 1 ms to " + MAX_BUDGET.toMillis() + " ms");
    }
    this.apiUrl = apiUrl;
    this.executeApiEndpoint = executeApiEndpoint;
    this.budget = budget;
    this.region = region;
    this.credentials = credentials;
    this.signer = AwsV4HttpSigner.create();
    this.http =
        UrlConnectionHttpClient.builder().connectionTimeout(budget).socketTimeout(budget).build();
    this.calls =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "location-client");
              thread.setDaemon(true);
              return thread;
            });
    this.log = new Log("profile", functionName);
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
    return new LocationClient(
        env.optional("LOCATION_API_URL").map(v -> apiUrl("LOCATION_API_URL", v)),
        env.optional("AWS_ENDPOINT_URL_EXECUTE_API")
            .map(v -> apiUrl("AWS_ENDPOINT_URL_EXECUTE_API", v)),
        budget(env.optional("LOCATION_BUDGET_MS")),
        Aws.region(env).id(),
        Aws.credentials(env),
        env.optional("AWS_LAMBDA_FUNCTION_NAME").orElse("profile"));
  }

  /** The time budget of a lookup from {@code LOCATION_BUDGET_MS}. */
  static Duration budget(Optional<String> millis) {
    if (millis.isEmpty()) {
      return DEFAULT_BUDGET;
    }
    long value;
    try {
      value = Long.parseLong(millis.get());
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 1 || value > MAX_BUDGET.toMillis()) {
      throw new IllegalStateException(
          "Environment variable LOCATION_BUDGET_MS must be a whole number of milliseconds from 1 to "
              + MAX_BUDGET.toMillis()
              + " (set it in template.yaml)");
    }
    return Duration.ofMillis(value);
  }

  /** A base URL from the variable {@code name}: absolute http(s), no trailing slash. */
  static URI apiUrl(String name, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalStateException(
          "Environment variable "
              + name
              + " must be an absolute http(s) URL such as"
              + " https://abc123.execute-api.eu-central-1.amazonaws.com/prod");
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }

  /**
   * The base URL of the API that invoked this function: {@code
   * https://<apiId>.execute-api.<region>.amazonaws.com/<stage>}, from the request context's API id
   * and stage and this function's own region. With an execute API endpoint configured (the local
   * runner), {@code <endpoint>/<stage>}. Behind a custom domain with a base path mapping, set
   * {@code LOCATION_API_URL} instead.
   *
   * <p>Why derive it: in CloudFormation the function cannot name the API that invokes it (the API
   * refers to the function, so the function referring to the API is a circular dependency). The
   * location routes are on the same API, so the request context says which API to call.
   *
   * <p>Why not from {@code Host}, {@code X-Forwarded-Proto} or the request context's {@code
   * domainName}: those repeat what the client sent, and a signed call sent where a client points it
   * hands the client a valid signature (SSRF). The API id and the stage are API Gateway's own.
   *
   * @return empty when the parts are missing or not of the form API Gateway uses
   */
  public static Optional<URI> derivedApiUrl(
      String apiId, String stage, String region, Optional<URI> executeApiEndpoint) {
    if (apiId == null
        || stage == null
        || region == null
        || !API_ID.matcher(apiId).matches()
        || !STAGE.matcher(stage).matches()
        || !REGION.matcher(region).matches()) {
      return Optional.empty();
    }
    if (executeApiEndpoint.isPresent()) {
      return Optional.of(URI.create(executeApiEndpoint.get() + "/" + stage));
    }
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return Optional.of(
        URI.create("https://" + apiId + ".execute-api." + region + "." + domain + "/" + stage));
  }

  /**
   * Looks the user's location up. Never throws; never takes longer than the budget, nor longer than
   * the invocation's remaining time minus {@link #INVOCATION_MARGIN}.
   *
   * @param invocationTimeLeft the Lambda invocation's remaining time, when known
   * @param metrics where {@value #LOOKUP_LATENCY} and {@value #LOOKUP_UNAVAILABLE} go
   */
  public Result find(Lookup lookup, Optional<Duration> invocationTimeLeft, Metrics metrics) {
    long start = System.nanoTime();
    Result result;
    try {
      result = findWithinBudget(lookup, invocationTimeLeft);
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

  private Result findWithinBudget(Lookup lookup, Optional<Duration> invocationTimeLeft) {
    Optional<URI> base =
        apiUrl.or(() -> derivedApiUrl(lookup.apiId(), lookup.stage(), region, executeApiEndpoint));
    if (base.isEmpty()) {
      return new Unavailable("no LOCATION_API_URL and no API id/stage in the request context");
    }
    Duration allowed = budget;
    if (invocationTimeLeft.isPresent()) {
      Duration left = invocationTimeLeft.get().minus(INVOCATION_MARGIN);
      if (left.compareTo(allowed) < 0) {
        allowed = left;
      }
    }
    if (allowed.isNegative() || allowed.isZero()) {
      return new Unavailable("no time left in the invocation");
    }

    AtomicReference<ExecutableHttpRequest> inFlight = new AtomicReference<>();
    Future<Result> call;
    try {
      call = calls.submit(() -> call(base.get(), lookup, inFlight));
    } catch (RejectedExecutionException e) {
      return new Unavailable("no thread to call on");
    }
    try {
      return call.get(allowed.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abort(call, inFlight);
      return new Unavailable("timeout after " + allowed.toMillis() + " ms");
    } catch (InterruptedException e) {
      abort(call, inFlight);
      Thread.currentThread().interrupt();
      return new Unavailable("interrupted");
    } catch (ExecutionException e) {
      return new Unavailable(describe(e.getCause()));
    }
  }

  private static void abort(Future<Result> call, AtomicReference<ExecutableHttpRequest> inFlight) {
    ExecutableHttpRequest request = inFlight.get();
    if (request != null) {
      request.abort();
    }
    call.cancel(true);
  }

  private static String describe(Throwable failure) {
    if (failure instanceof ConnectException) {
      return "connection refused";
    }
    if (failure instanceof SocketTimeoutException) {
      return "timeout (socket)";
    }
    if (failure instanceof UnknownHostException) {
      return "unknown host";
    }
    if (failure instanceof IOException) {
      return "I/O error (" + failure.getClass().getSimpleName() + ")";
    }
    if (failure instanceof SdkClientException) {
      return "credentials or signing failed (" + failure.getClass().getSimpleName() + ")";
    }
    return "unexpected error (" + failure.getClass().getSimpleName() + ")";
  }

  private Result call(URI base, Lookup lookup, AtomicReference<ExecutableHttpRequest> inFlight)
      throws IOException {
    ExecutableHttpRequest executable = prepare(base, lookup);
    inFlight.set(executable);
    if (Thread.currentThread().isInterrupted()) {
      executable.abort();
      return new Unavailable("cancelled");
    }
    HttpExecuteResponse response = executable.call();
    int status = response.httpResponse().statusCode();
    try (InputStream body = response.responseBody().map(InputStream.class::cast).orElse(null)) {
      if (status == 200) {
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          abortBody(response);
          return new Unavailable("response body over " + MAX_BODY_BYTES + " bytes");
        }
        return location(bytes, lookup.userId());
      }
      if (status == 404) {
        return new None();
      }
      if (status == 403) {
        return new Unavailable("refused with 403 (IAM authorization)");
      }
      if (status >= 500) {
        return new Unavailable("server error " + status);
      }
      return new Unavailable("unexpected status " + status);
    }
  }

  /** The lookup's request, signed and ready to send; no connection is opened yet. */
  private ExecutableHttpRequest prepare(URI base, Lookup lookup) {
    SdkHttpRequest.Builder builder =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create(base + "/locations/" + lookup.userId()))
            .putHeader("Accept", "application/json")
            .putHeader("X-Correlation-Id", lookup.correlationId());
    if (lookup.traceHeader() != null && TRACE_HEADER.matcher(lookup.traceHeader()).matches()) {
      // Left out of the signature by the SigV4 signer (as X-Ray's services expect, since each hop
      // may rewrite Parent), so it never breaks the signed call.
      builder.putHeader("X-Amzn-Trace-Id", lookup.traceHeader());
    }
    SdkHttpRequest unsigned = builder.build();
    // Resolved per call: Lambda's credentials are temporary and the provider refreshes them.
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SdkHttpRequest signed =
        signer
            .sign(
                r ->
                    r.identity(identity)
                        .request(unsigned)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME))
            .request();
    return http.prepareRequest(HttpExecuteRequest.builder().request(signed).build());
  }

  /**
   * SnapStart priming: resolves the credentials, signs and prepares a lookup on the call thread
   * without sending it (to {@code LOCATION_API_URL}, or a placeholder host when the URL comes from
   * each request), and reads a sample answer.
   */
  void prime() {
    URI base = apiUrl.orElse(URI.create("https://priming.invalid/prime"));
    Lookup lookup =
        new Lookup(
            Priming.ABSENT_KEY,
            "priming",
            "priming",
            "snapstart-priming",
            "snapstart-priming",
            "Root=1-00000000-000000000000000000000000;Sampled=0");
    try {
      calls
          .submit(() -> prepare(base, lookup).abort())
          .get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // priming only saves time; the first request will load what is missing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    location(
        ("{\"userId\":\"snapstart-owner\",\"latitude\":52.52,\"longitude\":13.405,"
                + "\"name\":null,\"updatedAt\":\"2026-01-01T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8),
        "snapstart-owner");
  }

  private static void abortBody(HttpExecuteResponse response) {
    response.responseBody().ifPresent(AbortableInputStream::abort);
  }

  /** Reads a location service {@code 200} body; anything not shaped like a location is refused. */
  static Result location(byte[] body, String userId) {
    Object parsed;
    try {
      parsed = Json.read(body);
    } catch (IOException e) {
      return new Unavailable("unparsable response body");
    }
    if (!(parsed instanceof JsonObject node)) {
      return new Unavailable("response body is not a JSON object");
    }
    Object owner = node.get("userId");
    if (node.has("userId") && !userId.equals(owner)) {
      return new Unavailable("response body is for another user");
    }
    if (!(node.get("latitude") instanceof Number latitude)
        || !(Math.abs(latitude.doubleValue()) <= 90)
        || !(node.get("longitude") instanceof Number longitude)
        || !(Math.abs(longitude.doubleValue()) <= 180)
        || !(node.get("name") == null || node.get("name") instanceof String)
        || !(node.get("updatedAt") instanceof String updatedAt)
        || !isTimestamp(updatedAt)) {
      return new Unavailable("response body is not shaped like a location");
    }
    return new Found(
        latitude.doubleValue(),
        longitude.doubleValue(),
        Optional.ofNullable(node.text("name")),
        updatedAt);
  }

  private static boolean isTimestamp(String text) {
    try {
      Timestamps.parse(text);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
