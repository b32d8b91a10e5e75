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

  /**
   * The public read's {@code Cache-Control}: the contract allows it to lag a write by 10 s, spent
   * as up to 7 s at the edge (6 s fresh, then 1 s served stale while it revalidates, as the
   * contract names both), up to 2 s in this function ({@link PublicReadCache#MAX_AGE}) and 1 s for
   * the eventually consistent read (docs/decisions/0016-public-read-staleness-budget.md).
   */
  static final String PUBLIC_CACHE_CONTROL = "public, max-age=6, stale-while-revalidate=1";

  /**
   * For an answer whose location lookup failed: a fault, not data. The function does not keep it
   * (the next request tries the location again) and caches in front keep it for 1 s, so a storm
   * still reaches the function about once a second per user while a lifted fault shows at once.
   */
  static final String DEGRADED_CACHE_CONTROL = "public, max-age=1, stale-while-revalidate=0";

  /** What nobody may keep: answers to requests with {@code Authorization}, and errors. */
  static final String NO_STORE = "no-store";

  private final Profiles profiles;
  private final LocationClient locations;
  private final Clock clock;
  private final PublicReadCache<PublicAnswer> publicReads;

  /** A merged public answer; {@code complete} unless the location lookup failed. */
  private record PublicAnswer(Response response, boolean complete) {}

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
    this.publicReads = new PublicReadCache<>(clock);
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
    this.publicReads = new PublicReadCache<>(clock);
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
    publicReads.forget(write.owner());
    request.metrics().count(PROFILE_UPDATED);
    Response response =
        stored.version() == 1 ? Response.created(stored.toJson()) : Response.ok(stored.toJson());
    return response.withETag(stored.version());
  }

  /**
   * Public, and cacheable for the contract's 10 s: a weak ETag of the merged body (clients take the
   * body's version for writes), 304 to a matching {@code If-None-Match}. A request with {@code
   * Authorization} is answered from a fresh read and marked {@code no-store}, so nothing
   * authenticated is kept here or by any cache in front.
   */
  private Response get(Request request) {
    String userId = request.pathUserId();
    boolean authenticated = request.header("Authorization").isPresent();
    PublicAnswer answer =
        authenticated
            ? read(request, userId)
            : publicReads.get(userId, () -> read(request, userId), PublicAnswer::complete);
    String cacheControl =
        authenticated
            ? NO_STORE
            : answer.complete() ? PUBLIC_CACHE_CONTROL : DEGRADED_CACHE_CONTROL;
    String etag = answer.response().headers().get("ETag");
    Response response =
        request.header("If-None-Match").filter(tags -> WeakETag.matches(tags, etag)).isPresent()
            ? new Response(304, Map.of("ETag", etag), null)
            : answer.response();
    Response marked = response.withHeader("Cache-Control", cacheControl);
    return corsAllowOrigin
        .map(o -> marked.withHeader("Access-Control-Allow-Origin", o))
        .orElse(marked);
  }

  /** Both tables read for this request: the profile, merged with the user's location. */
  private PublicAnswer read(Request request, String userId) {
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
    return new PublicAnswer(
        response.withHeader("ETag", WeakETag.of(response.body())),
        !(location instanceof LocationClient.Unavailable));
  }

  private Response delete(Request request) {
    Request.OwnerDelete delete = request.ownerDelete();
    profiles.delete(delete.owner(), delete.precondition());
    publicReads.forget(delete.owner());
    return Response.noContent();
  }
}
