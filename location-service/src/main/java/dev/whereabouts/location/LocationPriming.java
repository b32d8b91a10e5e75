package dev.whereabouts.location;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.ProxyEvent;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.LocalAnswers;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.store.VersionConflict;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * SnapStart priming of the location function ({@link Priming}). One round drives, through their
 * public methods, two throwaway handlers built when priming runs: one over DynamoDB (a {@code PUT}
 * refused after its body was validated, a {@code GET} of an invalid id, the read of a key no user
 * has, the {@code PUT}'s write refused by DynamoDB under {@link Precondition#never()}), and one
 * whose DynamoDB calls are answered inside the process ({@link LocalAnswers}: the owner's {@code
 * PUT}, {@code GET} and {@code DELETE} succeed, so the success path runs without a write). Writes
 * nothing; its lines go nowhere; its DynamoDB connections are closed after each call.
 */
final class LocationPriming implements Runnable {
  private static final String OWNER = "snapstart-owner";
  private static final String RESOURCE = "/locations/{userId}";
  private static final String BODY =
      "{\"latitude\":52.52,\"longitude\":13.405,\"name\":\"Priming\"}";

  /** The item the answered calls return: a first {@code PUT} of {@link #BODY} by its owner. */
  private static final String STORED =
      "{\"userId\":{\"S\":\"snapstart-owner\"},\"latitude\":{\"N\":\"52.52\"},"
          + "\"longitude\":{\"N\":\"13.405\"},\"name\":{\"S\":\"Priming\"},"
          + "\"version\":{\"N\":\"1\"},\"createdAt\":{\"S\":\"2026-01-01T00:00:00.000Z\"},"
          + "\"updatedAt\":{\"S\":\"2026-01-01T00:00:00.000Z\"}}";

  private final Locations locations;
  private final LocationHandler refusing;
  private final LocationHandler answered;
  private final SyntheticContext context = SyntheticContext.of("snapstart-priming");
  private final Location location = new Location(52.52, 13.405, Optional.of("Priming"));
  private final byte[] refusedPut =
      event("PUT", OWNER).caller("snapstart-caller").jsonBody(BODY).toBytes();
  private final byte[] invalidGet = event("GET", Priming.ABSENT_KEY).toBytes();
  private final byte[] ownersPut = event("PUT", OWNER).caller(OWNER).jsonBody(BODY).toBytes();
  private final byte[] get = event("GET", OWNER).toBytes();
  private final byte[] ownersDelete = event("DELETE", OWNER).caller(OWNER).toBytes();

  private LocationPriming(Environment env, Telemetry telemetry) {
    Telemetry discarded = telemetry.to(Log.Output.DISCARD);
    String table = env.require("TABLE_NAME");
    this.locations = new Locations(Aws.dynamoDbForSnapshot(env), table);
    this.refusing = new LocationHandler(locations, Clock.systemUTC(), discarded);
    this.answered =
        new LocationHandler(
            new Locations(
                Aws.dynamoDbForSnapshot(
                    env,
                    new LocalAnswers("{\"Item\":" + STORED + ",\"Attributes\":" + STORED + "}")),
                table),
            Clock.systemUTC(),
            discarded);
  }

  /**
   * Registers the location function's priming, its handlers configured as the function's ({@code
   * telemetry}) with their lines discarded; the caller keeps the result (CRaC holds weakly).
   */
  static Priming register(Environment env, Telemetry telemetry) {
    return Priming.register("location", telemetry, () -> new LocationPriming(env, telemetry));
  }

  @Override
  public void run() {
    serve(refusing, refusedPut);
    serve(refusing, invalidGet);
    locations.get(Priming.ABSENT_KEY);
    try {
      locations.put(Priming.ABSENT_KEY, location, Precondition.never(), Instant.now());
    } catch (VersionConflict refused) {
      // what DynamoDB answers a condition no item meets: nothing was written
    }
    serve(answered, ownersPut);
    serve(answered, get);
    serve(answered, ownersDelete);
  }

  private static ProxyEvent.Builder event(String method, String userId) {
    return ProxyEvent.builder(method, RESOURCE)
        .pathParameter("userId", userId)
        .requestContext("snapstart-priming", "priming", "priming");
  }

  private void serve(LocationHandler handler, byte[] event) {
    try {
      handler.handleRequest(
          new ByteArrayInputStream(event), OutputStream.nullOutputStream(), context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
