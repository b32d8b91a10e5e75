package dev.whereabouts.location;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.HttpFunction;
import dev.whereabouts.shared.http.Problem;
import dev.whereabouts.shared.http.Request;
import dev.whereabouts.shared.http.Response;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.store.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
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

  /** Held here: the CRaC context holds its resources weakly. Null unless built for Lambda. */
  private Priming priming;

  /** Configured from the process environment (Lambda). */
  public LocationHandler() {
    this(System.getenv());
  }

  /** Configured from an explicit environment (tests, local runner). */
  public LocationHandler(Map<String, String> environment) {
    this(Environment.of(environment), Clock.systemUTC());
    // Lambda sets AWS_LAMBDA_LOG_LEVEL from the function's LoggingConfig (JSON format).
    Log.configure(Environment.of(environment));
    Metrics.configure(Environment.of(environment));
    priming = Priming.register("location", this::prime);
  }

  LocationHandler(Environment env, Clock clock) {
    this(new Locations(Aws.dynamoDb(env), env.require("TABLE_NAME")), clock);
  }

  LocationHandler(Locations locations, Clock clock) {
    this.locations = locations;
    this.clock = clock;
    this.function =
        new HttpFunction(
            "location",
            Map.of(
                "PUT /locations/{userId}", this::put,
                "GET /locations/{userId}", this::get,
                "DELETE /locations/{userId}", this::delete));
  }

  /** One API Gateway proxy event in, its proxy response out, both as JSON bytes. */
  @Override
  public void handleRequest(InputStream event, OutputStream response, Context context)
      throws IOException {
    function.handle(event, response, context);
  }

  /** The SnapStart priming registered by the public constructors (null otherwise). */
  Priming priming() {
    return priming;
  }

  /**
   * SnapStart priming: a PUT refused after its body was read and validated (the caller is not the
   * owner), a GET of an invalid id, a read of a key that cannot exist, the PUT's write refused by
   * DynamoDB, and the body of a stored location written as a successful PUT's. Writes nothing.
   */
  void prime() {
    function.prime(
        HttpFunction.primingEvent(
            "PUT",
            "/locations/{userId}",
            "snapstart-owner",
            "snapstart-caller",
            "{\"latitude\":52.52,\"longitude\":13.405,\"name\":\"Priming\"}"),
        HttpFunction.primingEvent("GET", "/locations/{userId}", Priming.ABSENT_KEY, null, null));
    StoredLocation stored = locations.prime();
    function.primeAnswer(Response.ok(stored.toJson()).withETag(stored.version()));
  }

  /** The routes this handler serves, as {@code "METHOD /resource"}. */
  public Set<String> routeKeys() {
    return function.routeKeys();
  }

  private Response put(Request request) {
    request.authenticatedCaller();
    String userId = request.pathUserId();
    Location location = Location.parse(request.jsonBody());
    request.requireOwner(userId);
    Precondition precondition = request.precondition();
    StoredLocation stored = locations.put(userId, location, precondition, clock.instant());
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
    request.authenticatedCaller();
    String userId = request.pathUserId();
    request.requireOwner(userId);
    Precondition precondition = request.precondition();
    locations.delete(userId, precondition);
    return Response.noContent();
  }
}
