package dev.whereabouts.auth;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.HttpFunction;
import dev.whereabouts.shared.http.Request;
import dev.whereabouts.shared.http.Response;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.json.Timestamps;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The auth API: {@code POST /auth/users} (register), {@code POST /auth/tokens} (login), {@code
 * DELETE /auth/tokens/current} (revoke the presented bearer token) and {@code DELETE /auth/tokens}
 * (revoke every token of the caller).
 *
 * <p>Lambda calls the no-argument constructor once, in the init phase: the SDK client and
 * everything else expensive is built there, once per execution environment.
 */
public final class AuthHandler implements RequestStreamHandler {
  /** Custom metric: a user registered. */
  public static final String USERS_REGISTERED = "UsersRegistered";

  /** Custom metric: a login issued a token. */
  public static final String LOGIN_SUCCEEDED = "LoginSucceeded";

  /** Custom metric: a login failed (wrong password or unknown userId). */
  public static final String LOGIN_FAILED = "LoginFailed";

  /** Custom metric: a userId was locked after too many failures. */
  public static final String ACCOUNT_LOCKED = "AccountLocked";

  /** Custom metric: a token was revoked. */
  public static final String TOKEN_REVOKED = "TokenRevoked";

  private static final String BAD_CREDENTIALS = "The userId or the password is wrong.";

  private final Users users;
  private final Tokens tokens;
  private final Clock clock;
  private final HttpFunction function;

  /** SnapStart priming ({@link AuthPriming}), held here because CRaC holds it weakly. */
  private final Optional<Priming> snapStart;

  /** Configured from the process environment (Lambda). */
  public AuthHandler() {
    this(System.getenv());
  }

  /** Configured from an explicit environment (tests, local runner); registers SnapStart priming. */
  public AuthHandler(Map<String, String> environment) {
    Environment env = Environment.of(environment);
    Telemetry telemetry = Telemetry.from(env);
    AuthTable table = new AuthTable(Aws.dynamoDb(env), env.require("TABLE_NAME"));
    this.tokens = new Tokens(table);
    this.users = new Users(table, new Passwords(), tokens);
    this.clock = Clock.systemUTC();
    this.function = function(telemetry);
    this.snapStart = Optional.of(AuthPriming.register(env, telemetry));
  }

  /** Configured from an environment with its own clock and hashing, without priming (tests). */
  AuthHandler(Environment env, Clock clock, Passwords passwords) {
    this(
        new AuthTable(Aws.dynamoDb(env), env.require("TABLE_NAME")),
        clock,
        passwords,
        Telemetry.from(env));
  }

  /** From its parts, without SnapStart priming (tests, and priming's own throwaway handler). */
  AuthHandler(AuthTable table, Clock clock, Passwords passwords, Telemetry telemetry) {
    this.tokens = new Tokens(table);
    this.users = new Users(table, passwords, tokens);
    this.clock = clock;
    this.function = function(telemetry);
    this.snapStart = Optional.empty();
  }

  private HttpFunction function(Telemetry telemetry) {
    return new HttpFunction(
        "auth",
        Map.of(
            "POST /auth/users", this::register,
            "POST /auth/tokens", this::login,
            "DELETE /auth/tokens/current", this::revoke,
            "DELETE /auth/tokens", this::revokeAll),
        telemetry);
  }

  /** One API Gateway proxy event in, its proxy response out, both as JSON bytes. */
  @Override
  public void handleRequest(InputStream event, OutputStream response, Context context)
      throws IOException {
    function.handle(event, response, context);
  }

  /** The SnapStart priming the environment constructor registered (tests, cold-start bench). */
  Priming priming() {
    return snapStart.orElseThrow(() -> new IllegalStateException("built without priming"));
  }

  /** The routes this handler serves, as {@code "METHOD /resource"}. */
  public Set<String> routeKeys() {
    return function.routeKeys();
  }

  private Response register(Request request) {
    Credentials credentials = Credentials.forRegistration(request.jsonBody());
    Instant now = clock.instant();
    if (!users.register(credentials, now)) {
      throw Problem.conflict("The userId '" + credentials.userId() + "' is taken.");
    }
    request.metrics().count(USERS_REGISTERED);
    JsonObject body = Json.object();
    body.put("userId", credentials.userId());
    body.put("createdAt", Timestamps.format(now));
    return Response.created(body);
  }

  private Response login(Request request) {
    Credentials credentials = Credentials.forLogin(request.jsonBody());
    Instant now = clock.instant();
    Users.Login outcome = users.login(credentials, now);
    if (outcome instanceof Users.Locked locked) {
      logAttempt(request, credentials, "login refused: locked");
      throw Problem.tooManyRequests(
          "Too many failed logins for this userId; retry after the time given in Retry-After.",
          locked.retryAfter());
    }
    if (outcome instanceof Users.Failed failed) {
      request.metrics().count(LOGIN_FAILED);
      if (failed.lockedNow()) {
        request.metrics().count(ACCOUNT_LOCKED);
      }
      logAttempt(
          request, credentials, failed.lockedNow() ? "login failed: locked now" : "login failed");
      throw Problem.unauthorized(BAD_CREDENTIALS);
    }
    Tokens.Issued token = ((Users.Succeeded) outcome).token();
    request.metrics().count(LOGIN_SUCCEEDED);
    JsonObject body = Json.object();
    body.put("accessToken", token.value());
    body.put("tokenType", "Bearer");
    body.put("expiresIn", Tokens.TOKEN_LIFETIME.toSeconds());
    body.put("expiresAt", Timestamps.format(token.expiresAt()));
    return Response.created(body).withHeader("Cache-Control", "no-store");
  }

  /**
   * One WARN line per failed or refused login: the targeted userId and the client's address, so a
   * brute-force run shows in the logs. The userId is logged as given (it passed the userId rule):
   * userIds are public (they name profiles in URLs), and an operator must be able to search for the
   * attacked account. Never the password.
   */
  private void logAttempt(Request request, Credentials credentials, String message) {
    request
        .log()
        .warn(message)
        .with("requestId", request.requestId())
        .with("correlationId", request.correlationId())
        .with("targetUserId", credentials.userId())
        .with("sourceIp", request.sourceIp())
        .write();
  }

  /** Sign out everywhere: every token of the caller, the presented one included, stops working. */
  private Response revokeAll(Request request) {
    tokens.revokeAll(request.authenticatedCaller());
    request.metrics().count(TOKEN_REVOKED);
    return Response.noContent();
  }

  private Response revoke(Request request) {
    String caller = request.authenticatedCaller();
    String token =
        request
            .header("Authorization")
            .flatMap(Tokens::fromAuthorizationHeader)
            .orElseThrow(() -> Problem.unauthorized("A bearer token is required."));
    if (!tokens.revoke(token, caller)) {
      throw Problem.unauthorized("The bearer token does not belong to the caller.");
    }
    request.metrics().count(TOKEN_REVOKED);
    return Response.noContent();
  }
}
