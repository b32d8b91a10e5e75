package dev.whereabouts.location;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.HttpFunction;
import dev.whereabouts.shared.http.Request;
import dev.whereabouts.shared.http.Response;
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
 * The location API: {@code PUT} and {@code DELETE /locations/{userId}} for the owner (bearer
 * token), {@code GET} for the profile service (SigV4, enforced by API Gateway's AWS_IAM).
 *
 * <p>Lambda calls the no-argument constructor once, in the init phase: the SDK client and
 * everything else expensive is built there, once per execution environment.
 */
public final class LocationHandler implements RequestStreamHandler {
  /** Custom metric: a location was written. */
  public static final String LOCATION_UPDATED = "LocationUpdated";

  private final Locations locations;
  private final Clock clock;
  private final HttpFunction function;

  /** SnapStart priming ({@link LocationPriming}), held here because CRaC holds it weakly. */
  private final Optional<Priming> snapStart;

  /** Configured from the process environment (Lambda). */
  public LocationHandler() {
    this(System.getenv());
  }

  /** Configured from an explicit environment (tests, local runner); registers SnapStart priming. */
  public LocationHandler(Map<String, String> environment) {
    Environment env = Environment.of(environment);
    Telemetry telemetry = Telemetry.from(env);
    this.locations = new Locations(Aws.dynamoDb(env), env.require("TABLE_NAME"));
    this.clock = Clock.systemUTC();
    this.function = function(telemetry);
    this.snapStart = Optional.of(LocationPriming.register(env, telemetry));
  }

  /** From its parts, without SnapStart priming (tests, and priming's own throwaway handler). */
  LocationHandler(Locations locations, Clock clock, Telemetry telemetry) {
    this.locations = locations;
    this.clock = clock;
    this.function = function(telemetry);
    this.snapStart = Optional.empty();
  }

  private HttpFunction function(Telemetry telemetry) {
    return new HttpFunction(
        "location",
        Map.of(
            "PUT /locations/{userId}", this::put,
            "GET /locations/{userId}", this::get,
            "DELETE /locations/{userId}", this::delete),
        telemetry);
  }

  /** One API Gateway proxy event in, its proxy response out, both as JSON bytes. */
  @Override
  public void handleRequest(InputStream event, OutputStream response, Context context)
      throws IOException {
    function.handle(event, response, context);
  }

  /** The routes this handler serves, as {@code "METHOD /resource"}. */
  public Set<String> routeKeys() {
    return function.routeKeys();
  }

  /** The SnapStart priming the environment constructor registered (tests, cold-start bench). */
  Priming priming() {
    return snapStart.orElseThrow(() -> new IllegalStateException("built without priming"));
  }

  private Response put(Request request) {
    Request.OwnerWrite<Location> write = request.ownerWrite(Location::parse);
    StoredLocation stored =
        locations.put(write.owner(), write.body(), write.precondition(), clock.instant());
    request.metrics().count(LOCATION_UPDATED);
    return Response.ok(stored.toJson()).withETag(stored.version());
  }

  private Response get(Request request) {
    String userId = request.pathUserId();
    StoredLocation stored =
        locations
            .get(userId)
            .orElseThrow(() -> Problem.notFound("No location is stored for '" + userId + "'."));
    return Response.ok(stored.toJson()).withETag(stored.version());
  }

  private Response delete(Request request) {
    Request.OwnerDelete delete = request.ownerDelete();
    locations.delete(delete.owner(), delete.precondition());
    return Response.noContent();
  }
}
