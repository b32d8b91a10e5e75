package dev.whereabouts.location;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.ProxyEvent;
import dev.whereabouts.shared.http.Response;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.json.Timestamps;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.store.VersionConflict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * SnapStart priming of the location function ({@link Priming}): one round drives a throwaway
 * handler and table of its own, built when priming runs, through their public methods: a {@code
 * PUT} refused after its body was read and validated (the caller is not the owner), a {@code GET}
 * of an invalid id, the {@code GET}'s read of a key no user has, the {@code PUT}'s write refused by
 * DynamoDB ({@link Precondition#never()}), and a stored location rendered as a {@code PUT} answers
 * it. Writes nothing; its lines go nowhere; its DynamoDB client closes every connection.
 */
final class LocationPriming implements Runnable {
  private static final String REQUEST_ID = "snapstart-priming";

  private final Locations locations;
  private final LocationHandler handler;
  private final SyntheticContext context = SyntheticContext.of("snapstart-priming");
  private final Location location = new Location(52.52, 13.405, Optional.of("Priming"));
  private final byte[] refusedPut =
      ProxyEvent.builder("PUT", "/locations/{userId}")
          .pathParameter("userId", "snapstart-owner")
          .caller("snapstart-caller")
          .jsonBody("{\"latitude\":52.52,\"longitude\":13.405,\"name\":\"Priming\"}")
          .requestContext(REQUEST_ID, "priming")
          .toBytes();
  private final byte[] invalidGet =
      ProxyEvent.builder("GET", "/locations/{userId}")
          .pathParameter("userId", Priming.ABSENT_KEY)
          .requestContext(REQUEST_ID, "priming")
          .toBytes();

  private LocationPriming(Environment env) {
    this.locations = new Locations(Aws.dynamoDbForSnapshot(env), env.require("TABLE_NAME"));
    this.handler = new LocationHandler(locations, Clock.systemUTC(), Log.Output.DISCARD);
  }

  /** Registers the location function's priming; the caller keeps the result (CRaC holds weakly). */
  static Priming register(Environment env) {
    return Priming.register("location", () -> new LocationPriming(env));
  }

  @Override
  public void run() {
    serve(refusedPut);
    serve(invalidGet);
    locations.get(Priming.ABSENT_KEY);
    Instant now = Instant.now();
    try {
      locations.put(Priming.ABSENT_KEY, location, Precondition.never(), now);
    } catch (VersionConflict refused) {
      // what DynamoDB answers a condition no item meets: nothing was written
    }
    StoredLocation stored =
        new StoredLocation(Priming.ABSENT_KEY, location, Timestamps.format(now), 1);
    Response.ok(stored.toJson()).withETag(stored.version());
    Priming.renderMetricsLine("location");
  }

  private void serve(byte[] event) {
    try {
      handler.handleRequest(
          new ByteArrayInputStream(event), OutputStream.nullOutputStream(), context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
