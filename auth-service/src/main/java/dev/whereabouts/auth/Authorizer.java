package dev.whereabouts.auth;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.AuthorizerEvent;
import dev.whereabouts.shared.http.CorrelationId;
import dev.whereabouts.shared.http.Invocation;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API Gateway REQUEST authorizer for every route marked Bearer: resolves {@code Authorization:
 * Bearer <token>} to a userId, or fails with {@code Unauthorized} so API Gateway answers 401.
 *
 * <p>The policy allows every method and path of the stage, not just the one called: API Gateway
 * caches a policy per identity source and would otherwise refuse the token's other routes from the
 * cache. Whether the caller may touch a resource is decided by the functions (owner checks), never
 * by this policy.
 *
 * <p>The event is read from its bytes and the policy written as bytes ({@code
 * RequestStreamHandler}): the Lambda runtime's reflective event serializer would cost about half a
 * second of every cold start (docs/performance.md).
 */
public final class Authorizer implements RequestStreamHandler {
  /** {@code arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path...}} */
  private static final Pattern METHOD_ARN =
      Pattern.compile(
          "^arn:(aws[a-z-]*):execute-api:([a-z0-9-]+):([0-9]{12}):([A-Za-z0-9]+)"
              + "/([A-Za-z0-9._-]+)/([A-Z]+|\\*)/.*$");

  private final Tokens tokens;
  private final Clock clock;
  private final Telemetry telemetry;

  /** SnapStart priming ({@link AuthorizerPriming}), held here because CRaC holds it weakly. */
  private final Optional<Priming> snapStart;

  /** Configured from the process environment (Lambda). */
  public Authorizer() {
    this(System.getenv());
  }

  /** Configured from an explicit environment (tests, local runner); registers SnapStart priming. */
  public Authorizer(Map<String, String> environment) {
    Environment env = Environment.of(environment);
    this.telemetry = Telemetry.from(env);
    this.tokens = new Tokens(new AuthTable(Aws.dynamoDb(env), env.require("TABLE_NAME")));
    this.clock = Clock.systemUTC();
    this.snapStart = Optional.of(AuthorizerPriming.register(env, telemetry));
  }

  /** Configured from an environment with its own clock, without SnapStart priming (tests). */
  Authorizer(Environment env, Clock clock) {
    this(
        new Tokens(new AuthTable(Aws.dynamoDb(env), env.require("TABLE_NAME"))),
        clock,
        Telemetry.from(env));
  }

  /** From its parts, without SnapStart priming (tests, and priming's own throwaway authorizer). */
  Authorizer(Tokens tokens, Clock clock, Telemetry telemetry) {
    this.tokens = tokens;
    this.clock = clock;
    this.telemetry = telemetry;
    this.snapStart = Optional.empty();
  }

  /**
   * Reads a REQUEST authorizer event and writes the policy that allows the request for the token's
   * user, or throws {@link Unauthorized}.
   *
   * @throws Unauthorized when the token is missing, malformed, unknown, expired or revoked, or the
   *     method ARN cannot be read
   */
  @Override
  public void handleRequest(InputStream event, OutputStream response, Context context)
      throws IOException {
    Invocation invocation = Invocation.of(context);
    Log log = telemetry.log("auth", invocation.functionName()).traced(invocation.traceHeader());
    response.write(
        Json.write(authorize(AuthorizerEvent.read(event), log)).getBytes(StandardCharsets.UTF_8));
  }

  /** The SnapStart priming the environment constructor registered (tests, cold-start bench). */
  Priming priming() {
    return snapStart.orElseThrow(() -> new IllegalStateException("built without priming"));
  }

  private JsonObject authorize(AuthorizerEvent event, Log log) {
    Optional<String> requestId = event.requestId();
    Optional<String> sourceIp = event.sourceIp();
    // Made up when the client sent none or an invalid one, and handed to the function in the
    // context, so the authorizer's lines and the function's carry the same id.
    String correlationId =
        CorrelationId.valid(event.header("X-Correlation-Id").orElse(null))
            .orElseGet(CorrelationId::fresh);

    Optional<String> header = event.header("Authorization");
    Optional<String> token = header.flatMap(Tokens::fromAuthorizationHeader);
    if (token.isEmpty()) {
      throw deny(
          log,
          requestId,
          correlationId,
          sourceIp,
          header.isEmpty() ? "no token" : "malformed token");
    }
    Optional<String> resource = stageWildcard(event.methodArn());
    if (resource.isEmpty()) {
      throw deny(log, requestId, correlationId, sourceIp, "malformed methodArn");
    }
    Optional<String> userId;
    try {
      userId = tokens.resolve(token.get(), clock.instant());
    } catch (RuntimeException e) {
      // Not a 401: a client must not drop a valid token because the table was unreachable. The
      // authorizer fails instead, which template.yaml's AUTHORIZER_FAILURE answers with 503 and
      // Retry-After.
      log.error("token lookup failed")
          .with("requestId", requestId)
          .with("correlationId", correlationId)
          .error(e)
          .write();
      throw e;
    }
    if (userId.isEmpty()) {
      throw deny(log, requestId, correlationId, sourceIp, "unknown, expired or revoked token");
    }

    log.info("authorize")
        .with("outcome", "allow")
        .with("userId", userId.get())
        .with("requestId", requestId)
        .with("correlationId", correlationId)
        .write();
    return allow(userId.get(), resource.get(), correlationId);
  }

  private static Unauthorized deny(
      Log log,
      Optional<String> requestId,
      String correlationId,
      Optional<String> sourceIp,
      String reason) {
    log.info("authorize")
        .with("outcome", "deny")
        .with("reason", reason)
        .with("sourceIp", sourceIp)
        .with("requestId", requestId)
        .with("correlationId", correlationId)
        .write();
    return new Unauthorized();
  }

  /** {@code arn:...:{apiId}/{stage}/*}{@code /*} for a method ARN of that stage, if well-formed. */
  static Optional<String> stageWildcard(String methodArn) {
    Matcher m = METHOD_ARN.matcher(methodArn);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        "arn:"
            + m.group(1)
            + ":execute-api:"
            + m.group(2)
            + ":"
            + m.group(3)
            + ":"
            + m.group(4)
            + "/"
            + m.group(5)
            + "/*/*");
  }

  private static JsonObject allow(String userId, String resource, String correlationId) {
    JsonObject response = Json.object();
    response.put("principalId", userId);
    JsonObject policy = response.putObject("policyDocument");
    policy.put("Version", "2012-10-17");
    JsonObject statement = Json.object();
    statement.put("Action", "execute-api:Invoke");
    statement.put("Effect", "Allow");
    statement.put("Resource", resource);
    policy.put("Statement", List.of(statement));
    response.putObject("context").put("userId", userId).put("correlationId", correlationId);
    return response;
  }
}
