package dev.whereabouts.auth;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.HttpFunction;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
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

  private static final Pattern CORRELATION_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  private final Tokens tokens;
  private final Clock clock;

  /** Held here: the CRaC context holds its resources weakly. Null unless built for Lambda. */
  private Priming priming;

  /** Configured from the process environment (Lambda). */
  public Authorizer() {
    this(System.getenv());
  }

  /** Configured from an explicit environment (tests, local runner). */
  public Authorizer(Map<String, String> environment) {
    this(Environment.of(environment), Clock.systemUTC());
    // Lambda sets AWS_LAMBDA_LOG_LEVEL from the function's LoggingConfig (JSON format).
    Log.configure(Environment.of(environment));
    priming = Priming.register("auth", this::prime);
  }

  Authorizer(Environment env, Clock clock) {
    this(new Tokens(new AuthTable(Aws.dynamoDb(env), env.require("TABLE_NAME"))), clock);
  }

  private Authorizer(Tokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
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
    Log.traceInvocation(HttpFunction.traceHeader(context));
    try {
      response.write(
          Json.write(
                  authorize(Json.read(event) instanceof JsonObject o ? o : Json.object(), context))
              .getBytes(StandardCharsets.UTF_8));
    } finally {
      Log.traceInvocation(null);
    }
  }

  /** The SnapStart priming registered by the public constructors (null otherwise). */
  Priming priming() {
    return priming;
  }

  /**
   * The token priming presents: well-formed, so the whole path of a real request runs (the bearer
   * and method ARN patterns, the hash, the consistent read of its item), and never issued: a token
   * is 256 bits from {@link java.security.SecureRandom}, so no stored item has this one's hash.
   */
  static final String PRIMING_TOKEN = "snapstart-priming-never-issued-000000000000";

  /**
   * SnapStart priming: the REQUEST events of a real request, served from their bytes to the
   * policy's, and denied: a token of the wrong form (denied before any lookup, a correlation id
   * made up) and a well-formed token no one holds (one consistent read of its item, as every
   * request does). The allowing policy is built and written too, with no lookup. Writes nothing;
   * the reads ask for {@code Connection: close} ({@code Priming.running()}).
   */
  void prime() {
    String methodArn = "arn:aws:execute-api:eu-central-1:123456789012:priming/priming/GET/priming";
    for (String token : List.of("snapstart-priming", PRIMING_TOKEN)) {
      JsonObject event = Json.object();
      event.put("type", "REQUEST");
      event.put("methodArn", methodArn);
      JsonObject headers = event.putObject("headers");
      headers.put("Authorization", "Bearer " + token);
      if (token.equals(PRIMING_TOKEN)) {
        headers.put("X-Correlation-Id", "snapstart-priming");
      }
      JsonObject requestContext = event.putObject("requestContext");
      requestContext.put("requestId", "snapstart-priming");
      requestContext.putObject("identity").put("sourceIp", "192.0.2.1");
      try {
        handleRequest(
            new ByteArrayInputStream(Json.write(event).getBytes(StandardCharsets.UTF_8)),
            OutputStream.nullOutputStream(),
            null);
      } catch (Unauthorized expected) {
        // the answer to every unknown token
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Json.write(
        allow("snapstart-priming", stageWildcard(methodArn).orElseThrow(), "snapstart-priming"));
  }

  private JsonObject authorize(JsonObject event, Context context) {
    Log log = new Log("auth", context != null ? context.getFunctionName() : "authorizer");
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    event
        .object("headers")
        .properties()
        .forEach((name, value) -> headers.put(name, value instanceof String s ? s : ""));
    String requestId = event.object("requestContext").text("requestId");
    String sourceIp = event.object("requestContext").object("identity").text("sourceIp");
    String offered = headers.get("X-Correlation-Id");
    // Made up when the client sent none or an invalid one, and handed to the function in the
    // context, so the authorizer's lines and the function's carry the same id.
    String correlationId =
        offered != null && CORRELATION_ID.matcher(offered).matches()
            ? offered
            : UUID.randomUUID().toString();

    String header = headers.get("Authorization");
    Optional<String> token = Tokens.fromAuthorizationHeader(header);
    if (token.isEmpty()) {
      throw deny(
          log, requestId, correlationId, sourceIp, header == null ? "no token" : "malformed token");
    }
    Optional<String> resource = stageWildcard(event.text("methodArn"));
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
      Log log, String requestId, String correlationId, String sourceIp, String reason) {
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
    if (methodArn == null) {
      return Optional.empty();
    }
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
