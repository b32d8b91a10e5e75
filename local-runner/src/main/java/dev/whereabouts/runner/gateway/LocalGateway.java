package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.console.LocalMetrics;
import dev.whereabouts.runner.lambda.FunctionInitException;
import dev.whereabouts.runner.lambda.FunctionPool;
import dev.whereabouts.runner.lambda.Invocation;
import dev.whereabouts.runner.lambda.TraceHeader;
import dev.whereabouts.runner.server.Exchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A local API Gateway REST API with Lambda proxy integrations: the pipeline API Gateway runs for
 * every request, in its order — stage throttling, resource selection, authentication (REQUEST
 * authorizer with its policy and cache, or SigV4 for {@code AWS_IAM}), request validation, the
 * proxy event, the Lambda invocation and the proxy response — with the template's gateway responses
 * for everything the gateway answers itself.
 */
public final class LocalGateway {
  /** API Gateway's payload limit. */
  public static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

  /** API Gateway's integration timeout. */
  public static final long INTEGRATION_TIMEOUT_MS = 29_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Settings of the API.
   *
   * @param stage the stage name (requests may also carry it as the first path segment)
   * @param region the region in ARNs and signatures
   * @param accountId the account in ARNs
   * @param apiId the API id in ARNs and the request context
   * @param stageThrottle the stage's default throttle, if any
   * @param corsHeaders the preflight answer's headers (empty: the API has no CORS)
   */
  public record Settings(
      String stage,
      String region,
      String accountId,
      String apiId,
      Optional<Throttle.Limits> stageThrottle,
      Map<String, String> corsHeaders) {}

  private final Settings settings;
  private final RouteTable routes;
  private final Map<String, FunctionPool> functions;
  private final GatewayResponses responses;
  private final SigV4Verifier sigV4;
  private final Function<String, Optional<Policy>> iamPolicies;
  private final LocalMetrics metrics;
  private final Consumer<String> log;
  private final Clock clock;
  private final Throttles throttles;
  private final ProxyEvents events;
  private final AuthorizerCache authorizerCache = new AuthorizerCache();

  /**
   * @param functions logical id → the function's environments
   * @param iamPolicies access key id → the policy of the identity it belongs to
   * @param log where the gateway's access log lines go
   */
  public LocalGateway(
      Settings settings,
      RouteTable routes,
      Map<String, FunctionPool> functions,
      GatewayResponses responses,
      SigV4Verifier sigV4,
      Function<String, Optional<Policy>> iamPolicies,
      LocalMetrics metrics,
      Consumer<String> log,
      Clock clock) {
    this.settings = settings;
    this.routes = routes;
    this.functions = Map.copyOf(functions);
    this.responses = responses;
    this.sigV4 = sigV4;
    this.iamPolicies = iamPolicies;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
    Map<String, Throttle.Limits> perMethod = new HashMap<>();
    for (ApiRoute r : routes.routes()) {
      r.throttle().ifPresent(limits -> perMethod.put(r.key(), limits));
    }
    this.throttles = new Throttles(settings.stageThrottle(), perMethod);
    this.events = new ProxyEvents(settings);
  }

  /** One HTTP response to write. */
  private record Reply(int status, Map<String, List<String>> headers, byte[] body) {}

  /** An answer the gateway gives itself, by gateway response type. */
  private static final class GatewayAnswer extends Exception {
    private static final long serialVersionUID = 1L;
    final GatewayResponseType type;
    final int status;
    final Map<String, String> extraContext;

    GatewayAnswer(GatewayResponseType type, String message) {
      this(type, type.defaultStatus(), message, Map.of());
    }

    GatewayAnswer(GatewayResponseType type, String message, Map<String, String> extraContext) {
      this(type, type.defaultStatus(), message, extraContext);
    }

    private GatewayAnswer(
        GatewayResponseType type, int status, String message, Map<String, String> extraContext) {
      super(message, null, false, false);
      this.type = type;
      this.status = status;
      this.extraContext = extraContext;
    }

    /**
     * A Lambda integration that failed, timed out or returned no proxy response: API Gateway
     * answers {@code DEFAULT_5XX} with 502, not the type's 500.
     */
    static GatewayAnswer badGateway() {
      return new GatewayAnswer(
          GatewayResponseType.DEFAULT_5XX, 502, "Internal server error", Map.of());
    }

    static GatewayAnswer throttled() {
      return new GatewayAnswer(GatewayResponseType.THROTTLED, "Too Many Requests");
    }

    static GatewayAnswer missingToken() {
      return new GatewayAnswer(
          GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
    }

    static GatewayAnswer unauthorized() {
      return new GatewayAnswer(GatewayResponseType.UNAUTHORIZED, "Unauthorized");
    }
  }

  /** Answers one request. */
  public void handle(Exchange exchange) throws IOException {
    Call call = new Call(settings, clock);
    Reply reply;
    String outcome = "";
    try {
      read(exchange, call);
      reply = serve(call);
    } catch (GatewayAnswer answer) {
      Map<String, String> context = call.context();
      context.putAll(answer.extraContext);
      GatewayResponses.Answer a =
          responses.render(answer.type, answer.status, answer.getMessage(), context);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      a.headers().forEach((k, v) -> headers.put(k, List.of(v)));
      reply = new Reply(a.status(), headers, a.body().getBytes(StandardCharsets.UTF_8));
      outcome = " (" + answer.type + ")";
    } catch (RuntimeException e) {
      log.accept("gateway failure: " + e);
      reply =
          new Reply(
              500,
              Map.of("Content-Type", List.of("application/json")),
              "{\"message\":\"Internal server error\"}".getBytes(StandardCharsets.UTF_8));
    }
    traced(call);
    try {
      write(exchange, call, reply);
      double totalMs = (System.nanoTime() - call.startNanos) / 1e6;
      metrics.gatewayRequest(Math.max(0, totalMs - call.functionMs));
      metrics.apiRequest(reply.status(), totalMs, call.functionMs);
      // Built by hand: a Formatter per request cost more than the rest of the line.
      log.accept(
          call.method
              + " "
              + call.rawPath
              + " "
              + reply.status()
              + " "
              + Math.round(totalMs * 10) / 10.0
              + " ms"
              + outcome);
    } finally {
      TraceHeader.setCurrent(null);
    }
  }

  /**
   * Gives the request its X-Ray header, as API Gateway does with tracing on: the client's {@code
   * Root} when valid, else a new trace. This thread's log lines carry it from now on.
   */
  private void traced(Call call) {
    if (call.trace == null) {
      call.trace =
          TraceHeader.forRequest(
              call.header("X-Amzn-Trace-Id"), java.time.Instant.ofEpochMilli(call.startMillis));
    }
    TraceHeader.setCurrent(call.trace);
  }

  private void read(Exchange exchange, Call call) throws IOException, GatewayAnswer {
    call.method = exchange.method().toUpperCase(Locale.ROOT);
    call.rawPath = exchange.rawPath();
    call.rawQuery = exchange.rawQuery();
    call.sourceIp = exchange.remoteAddress();
    exchange.forEachHeader(
        (k, v) -> call.headers.computeIfAbsent(canonical(k), n -> new ArrayList<>()).add(v));
    traced(call);
    call.host = Optional.ofNullable(call.header("Host")).orElse("127.0.0.1");
    String decoded;
    try {
      decoded = URLDecoder.decode(call.rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      call.path = call.rawPath;
      throw new GatewayAnswer(
          GatewayResponseType.BAD_REQUEST_PARAMETERS,
          "The request path holds a malformed percent-encoding.");
    }
    if (call.rawQuery != null) {
      try {
        URLDecoder.decode(call.rawQuery, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        call.path = call.rawPath;
        throw new GatewayAnswer(
            GatewayResponseType.BAD_REQUEST_PARAMETERS,
            "The query string holds a malformed percent-encoding.");
      }
    }
    String stagePrefix = "/" + settings.stage();
    call.path =
        decoded.equals(stagePrefix) || decoded.startsWith(stagePrefix + "/")
            ? decoded.substring(stagePrefix.length())
            : decoded;
    if (call.path.isEmpty()) {
      call.path = "/";
    }
    byte[] body = exchange.body(MAX_PAYLOAD_BYTES);
    if (body.length > MAX_PAYLOAD_BYTES) {
      throw new GatewayAnswer(GatewayResponseType.REQUEST_TOO_LARGE, "Request Too Long");
    }
    call.body = body;
  }

  private static String canonical(String header) {
    StringBuilder out = new StringBuilder(header.length());
    boolean upper = true;
    for (char c : header.toCharArray()) {
      out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return out.toString();
  }

  private Reply serve(Call call) throws GatewayAnswer {
    if (call.method.equals("OPTIONS")
        && !settings.corsHeaders().isEmpty()
        && routes.hasResource(call.path)) {
      // SAM's OPTIONS methods are methods too: the stage default gives each its own bucket.
      String resource =
          routes.routes().stream()
              .flatMap(r -> routes.find(r.method(), call.path).stream())
              .map(m -> m.route().resource())
              .findFirst()
              .orElse(call.path);
      if (!throttles.tryAcquire("OPTIONS " + resource)) {
        throw GatewayAnswer.throttled();
      }
      // SAM gives every resource an OPTIONS method (a mock integration, no authorizer).
      Map<String, List<String>> headers = new LinkedHashMap<>();
      settings.corsHeaders().forEach((k, v) -> headers.put(k, List.of(v)));
      return new Reply(200, headers, new byte[0]);
    }
    call.match = routes.find(call.method, call.path).orElseThrow(GatewayAnswer::missingToken);
    ApiRoute route = call.match.route();
    // Throttled per method, as on AWS (Throttles); unknown paths only meet the account limit.
    if (!throttles.tryAcquire(route.key())) {
      throw GatewayAnswer.throttled();
    }
    Caller caller = authenticate(call, route);
    validate(call, route);
    return integrate(call, route, caller);
  }

  private String methodArn(Call call) {
    return "arn:aws:execute-api:"
        + settings.region()
        + ":"
        + settings.accountId()
        + ":"
        + settings.apiId()
        + "/"
        + settings.stage()
        + "/"
        + call.method
        + call.path;
  }

  private Caller authenticate(Call call, ApiRoute route) throws GatewayAnswer {
    if (route.auth() instanceof ApiRoute.IamAuth) {
      return Caller.signed(verifySignature(call));
    } else if (route.auth() instanceof ApiRoute.AuthorizerAuth authorizer) {
      return Caller.authorized(authorize(call, authorizer));
    }
    return Caller.ANONYMOUS;
  }

  /** The access key id of a valid signature its identity's policy lets invoke the method. */
  private String verifySignature(Call call) throws GatewayAnswer {
    Map<String, String> flat = new LinkedHashMap<>();
    call.headers.forEach((k, v) -> flat.put(k, String.join(",", v)));
    SigV4Verifier.Verified verified;
    try {
      verified =
          sigV4.verify(call.method, call.rawPath, call.rawQuery, flat, call.body, clock.instant());
    } catch (SigV4Verifier.Refused refused) {
      throw refused.missing()
          ? GatewayAnswer.missingToken()
          : new GatewayAnswer(GatewayResponseType.INVALID_SIGNATURE, refused.getMessage());
    }
    String arn = methodArn(call);
    boolean allowed =
        iamPolicies
            .apply(verified.accessKeyId())
            .map(p -> p.allows("execute-api:Invoke", arn))
            .orElse(false);
    if (!allowed) {
      throw new GatewayAnswer(
          GatewayResponseType.ACCESS_DENIED,
          "User: "
              + verified.accessKeyId()
              + " is not authorized to perform: execute-api:Invoke on resource: "
              + arn);
    }
    return verified.accessKeyId();
  }

  /** The authorizer's result for a request its policy lets invoke the method. */
  private JsonNode authorize(Call call, ApiRoute.AuthorizerAuth authorizer) throws GatewayAnswer {
    List<String> identity = new ArrayList<>();
    for (String h : authorizer.identityHeaders()) {
      String v = call.header(h);
      if (v == null || v.isBlank()) {
        // With identity sources set, API Gateway refuses before invoking the authorizer.
        throw GatewayAnswer.unauthorized();
      }
      identity.add(v);
    }
    String cacheKey = authorizer.name() + "\n" + String.join("\n", identity);
    long now = clock.millis();
    Optional<JsonNode> cached =
        authorizer.ttlSeconds() > 0 ? authorizerCache.get(cacheKey, now) : Optional.empty();
    JsonNode result;
    if (cached.isPresent()) {
      result = cached.get();
    } else {
      Invocation invocation =
          invoke(authorizer.function(), events.authorizer(call, methodArn(call)), call);
      if (invocation instanceof Invocation.Failed failed
          && "Unauthorized".equals(failed.errorMessage())) {
        throw GatewayAnswer.unauthorized();
      }
      if (!(invocation instanceof Invocation.Returned returned)) {
        log.accept(authorizer.function() + " failed: " + describe(invocation));
        throw new GatewayAnswer(GatewayResponseType.AUTHORIZER_FAILURE, "Internal server error");
      }
      try {
        result = JSON.readTree(returned.payload());
      } catch (IOException e) {
        throw new GatewayAnswer(
            GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR,
            "Authorizer returned an invalid response");
      }
      if (!result.has("principalId") || !result.has("policyDocument")) {
        throw new GatewayAnswer(
            GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR,
            "Authorizer returned an invalid response");
      }
      if (authorizer.ttlSeconds() > 0) {
        authorizerCache.put(cacheKey, result, now, authorizer.ttlSeconds() * 1000L);
      }
    }
    Policy policy;
    try {
      policy = Policy.from(JSON.convertValue(result.get("policyDocument"), Map.class));
    } catch (IllegalArgumentException e) {
      throw new GatewayAnswer(
          GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR,
          "Authorizer returned an invalid policy");
    }
    if (!policy.allows("execute-api:Invoke", methodArn(call))) {
      throw new GatewayAnswer(
          GatewayResponseType.ACCESS_DENIED, "User is not authorized to access this resource");
    }
    return result;
  }

  private void validate(Call call, ApiRoute route) throws GatewayAnswer {
    if (route.bodySchema().isEmpty()) {
      return;
    }
    // The value the function gets in its event's headers: the last one, as API Gateway delivers a
    // repeated header. Validating anything else would let a body the model refuses reach it.
    List<String> contentTypes = call.headers.get("Content-Type");
    String contentType =
        contentTypes == null || contentTypes.isEmpty()
            ? null
            : contentTypes.get(contentTypes.size() - 1);
    String mediaType =
        contentType == null
            ? "application/json"
            : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      // API Gateway validates only bodies whose content type has a model; the function answers.
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(call.body);
    } catch (IOException e) {
      throw new GatewayAnswer(
          GatewayResponseType.BAD_REQUEST_BODY,
          "Invalid request body",
          Map.of("error.validationErrorString", "[Invalid request body: not valid JSON]"));
    }
    if (body == null || body.isMissingNode()) {
      throw new GatewayAnswer(
          GatewayResponseType.BAD_REQUEST_BODY,
          "Invalid request body",
          Map.of("error.validationErrorString", "[the request body is empty]"));
    }
    List<String> errors = SchemaValidator.validate(route.bodySchema().get(), body);
    if (!errors.isEmpty()) {
      throw new GatewayAnswer(
          GatewayResponseType.BAD_REQUEST_BODY,
          "Invalid request body",
          Map.of("error.validationErrorString", errors.toString()));
    }
  }

  private Reply integrate(Call call, ApiRoute route, Caller caller) throws GatewayAnswer {
    String event = events.proxy(call, route, caller);
    Invocation invocation = invoke(route.function(), event, call);
    if (invocation.durationMs() > INTEGRATION_TIMEOUT_MS) {
      throw new GatewayAnswer(
          GatewayResponseType.INTEGRATION_TIMEOUT, "Endpoint request timed out");
    }
    if (!(invocation instanceof Invocation.Returned returned)) {
      throw GatewayAnswer.badGateway();
    }
    return proxyResponse(returned.payload());
  }

  private Invocation invoke(String function, String event, Call call) throws GatewayAnswer {
    FunctionPool pool = functions.get(function);
    if (pool == null) {
      throw new GatewayAnswer(GatewayResponseType.API_CONFIGURATION_ERROR, "Internal server error");
    }
    try {
      long start = System.nanoTime();
      Invocation invocation = pool.invoke(event, call.requestId, call.trace);
      call.functionMs += (System.nanoTime() - start) / 1e6;
      metrics.invocation(function, invocation.durationMs(), !invocation.succeeded());
      if (invocation.coldStart()) {
        metrics.coldStart(function, invocation.initMs());
      }
      if (invocation instanceof Invocation.TimedOut timedOut) {
        log.accept(function + ": " + timedOut.errorMessage());
      }
      return invocation;
    } catch (FunctionInitException e) {
      metrics.invocation(function, 0, true);
      log.accept(e.getMessage());
      throw GatewayAnswer.badGateway();
    }
  }

  /** {@code type: message} of an invocation that did not return, for the log. */
  private static String describe(Invocation invocation) {
    if (invocation instanceof Invocation.Failed failed) {
      return failed.errorType() + ": " + failed.errorMessage();
    }
    if (invocation instanceof Invocation.TimedOut timedOut) {
      return timedOut.errorType() + ": " + timedOut.errorMessage();
    }
    return "returned";
  }

  private Reply proxyResponse(String payload) throws GatewayAnswer {
    JsonNode result;
    try {
      result = JSON.readTree(payload);
    } catch (IOException e) {
      throw GatewayAnswer.badGateway();
    }
    if (result == null || !result.path("statusCode").canConvertToInt()) {
      throw GatewayAnswer.badGateway();
    }
    int status = result.get("statusCode").asInt();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    result
        .path("multiValueHeaders")
        .fields()
        .forEachRemaining(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              headers.put(e.getKey(), values);
            });
    result
        .path("headers")
        .fields()
        .forEachRemaining(e -> headers.put(e.getKey(), List.of(e.getValue().asText())));
    JsonNode body = result.get("body");
    byte[] bytes;
    if (body == null || body.isNull()) {
      bytes = new byte[0];
    } else if (result.path("isBase64Encoded").asBoolean(false)) {
      bytes = Base64.getDecoder().decode(body.asText());
    } else {
      bytes = body.asText().getBytes(StandardCharsets.UTF_8);
    }
    return new Reply(status, headers, bytes);
  }

  private void write(Exchange exchange, Call call, Reply reply) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>(reply.headers());
    headers.put("x-amzn-RequestId", List.of(call.requestId));
    headers.put("X-Amzn-Trace-Id", List.of(call.trace));
    exchange.respond(reply.status(), headers, reply.body());
  }
}
