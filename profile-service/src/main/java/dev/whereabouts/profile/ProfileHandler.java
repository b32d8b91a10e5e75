package dev.whereabouts.profile;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.HttpFunction;
import dev.whereabouts.shared.http.Request;
import dev.whereabouts.shared.http.Response;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The public profile API: {@code PUT} and {@code DELETE /profiles/{userId}} for the owner (bearer
 * token), {@code GET} for anyone, with the user's location merged in from the location service.
 *
 * <p>{@code GET} never fails because of the location service: when it does not answer in time or
 * answers nonsense, the profile comes with {@code "location": null, "locationStatus":
 * "unavailable"} (see {@link LocationClient}). The location service is reached at {@code
 * LOCATION_API_URL} or, when unset, through the API that invoked this function (derived from the
 * request context: the template cannot hand the function its own API's URL without a circular
 * dependency).
 *
 * <p>Lambda calls the no-argument constructor once, in the init phase: the SDK clients, the
 * location client and everything else expensive is built there, once per execution environment.
 */
public final class ProfileHandler implements RequestStreamHandler {
  /** Custom metric: a profile was written. */
  public static final String PROFILE_UPDATED = "ProfileUpdated";

  private final Profiles profiles;
  private final LocationClient locations;
  private final Clock clock;
  private final Optional<String> corsAllowOrigin;
  private final HttpFunction function;

  /** SnapStart priming ({@link ProfilePriming}), held here because CRaC holds it weakly. */
  private final Optional<Priming> snapStart;

  /** Configured from the process environment (Lambda). */
  public ProfileHandler() {
    this(System.getenv());
  }

  /** Configured from an explicit environment (tests, local runner); registers SnapStart priming. */
  public ProfileHandler(Map<String, String> environment) {
    Environment env = Environment.of(environment);
    Telemetry telemetry = Telemetry.from(env);
    this.profiles = new Profiles(Aws.dynamoDb(env), env.require("TABLE_NAME"));
    this.locations = LocationClient.fromEnvironment(env);
    this.clock = Clock.systemUTC();
    this.corsAllowOrigin = env.optional("CORS_ALLOW_ORIGIN");
    this.function = function(telemetry);
    this.snapStart = Optional.of(ProfilePriming.register(env, telemetry));
  }

  /** Configured from an environment with its own clock, without SnapStart priming (tests). */
  ProfileHandler(Environment env, Clock clock) {
    this(
        new Profiles(Aws.dynamoDb(env), env.require("TABLE_NAME")),
        LocationClient.fromEnvironment(env),
        clock,
        env.optional("CORS_ALLOW_ORIGIN"),
        Telemetry.from(env));
  }

  /**
   * From its parts, without SnapStart priming (tests, and priming's own throwaway handler).
   *
   * @param corsAllowOrigin the origin browsers may read public profiles from ({@code
   *     CORS_ALLOW_ORIGIN}); API Gateway answers the preflight, the function the actual GET
   */
  ProfileHandler(
      Profiles profiles,
      LocationClient locations,
      Clock clock,
      Optional<String> corsAllowOrigin,
      Telemetry telemetry) {
    this.profiles = profiles;
    this.locations = locations;
    this.clock = clock;
    this.corsAllowOrigin = corsAllowOrigin;
    this.function = function(telemetry);
    this.snapStart = Optional.empty();
  }

  private HttpFunction function(Telemetry telemetry) {
    return new HttpFunction(
        "profile",
        Map.of(
            "PUT /profiles/{userId}", this::put,
            "GET /profiles/{userId}", this::get,
            "DELETE /profiles/{userId}", this::delete),
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

  private Response put(Request request) {
    Request.OwnerWrite<Profile> write = request.ownerWrite(Profile::parse);
    StoredProfile stored =
        profiles.put(write.owner(), write.body(), write.precondition(), clock.instant());
    request.metrics().count(PROFILE_UPDATED);
    Response response =
        stored.version() == 1 ? Response.created(stored.toJson()) : Response.ok(stored.toJson());
    return response.withETag(stored.version());
  }

  /** Public; no ETag: the body merges two services' data, so clients take the body's version. */
  private Response get(Request request) {
    String userId = request.pathUserId();
    StoredProfile stored =
        profiles
            .get(userId)
            .orElseThrow(() -> Problem.notFound("No profile is stored for '" + userId + "'."));
    LocationClient.Result location =
        locations.find(
            new LocationClient.Lookup(
                userId,
                request.apiId(),
                request.stage(),
                request.requestId(),
                request.correlationId(),
                request.traceHeader()),
            request.deadline(),
            request.metrics(),
            request.log());
    JsonObject body = stored.toJson();
    if (location instanceof LocationClient.Found found) {
      body.put("location", found.toJson());
      body.put("locationStatus", "ok");
    } else {
      body.putNull("location");
      body.put("locationStatus", location instanceof LocationClient.None ? "none" : "unavailable");
    }
    Response response = Response.ok(body);
    return corsAllowOrigin
        .map(o -> response.withHeader("Access-Control-Allow-Origin", o))
        .orElse(response);
  }

  private Response delete(Request request) {
    Request.OwnerDelete delete = request.ownerDelete();
    profiles.delete(delete.owner(), delete.precondition());
    return Response.noContent();
  }
}
