package dev.whereabouts.profile;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.Deadline;
import dev.whereabouts.shared.http.ProxyEvent;
import dev.whereabouts.shared.http.Response;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.json.Timestamps;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.store.VersionConflict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * SnapStart priming of the profile function ({@link Priming}): one round drives a throwaway
 * handler, table and location client of its own, built when priming runs, through their public
 * methods: a {@code PUT} refused after its body was read and validated (the caller is not the
 * owner), a {@code GET} of an invalid id, the {@code GET}'s read of a key no user has, the {@code
 * PUT}'s write refused by DynamoDB ({@link Precondition#never()}), a stored profile rendered as a
 * {@code PUT} answers it, a location lookup signed and prepared up to the socket but never sent,
 * and a location service's answer read. Writes nothing, calls no location service; its lines go
 * nowhere; its DynamoDB client closes every connection.
 */
final class ProfilePriming implements Runnable {
  private static final String REQUEST_ID = "snapstart-priming";
  private static final String OWNER = "snapstart-owner";

  private final Profiles profiles;
  private final LocationClient locations;
  private final ProfileHandler handler;
  private final SyntheticContext context = SyntheticContext.of("snapstart-priming");
  private final Log discarded = new Log("profile", "snapstart-priming", Log.Output.DISCARD);
  private final Profile profile = new Profile("Priming", Optional.of("never stored"));
  private final byte[] refusedPut =
      ProxyEvent.builder("PUT", "/profiles/{userId}")
          .pathParameter("userId", OWNER)
          .caller("snapstart-caller")
          .jsonBody("{\"displayName\":\"Priming\",\"bio\":\"never stored\"}")
          .requestContext(REQUEST_ID, "priming")
          .toBytes();
  private final byte[] invalidGet =
      ProxyEvent.builder("GET", "/profiles/{userId}")
          .pathParameter("userId", Priming.ABSENT_KEY)
          .requestContext(REQUEST_ID, "priming")
          .toBytes();
  private final byte[] locationAnswer =
      ("{\"userId\":\""
              + OWNER
              + "\",\"latitude\":52.52,\"longitude\":13.405,"
              + "\"name\":null,\"updatedAt\":\"2026-01-01T00:00:00Z\"}")
          .getBytes(StandardCharsets.UTF_8);

  private ProfilePriming(Environment env) {
    this.profiles = new Profiles(Aws.dynamoDbForSnapshot(env), env.require("TABLE_NAME"));
    this.locations =
        LocationClient.fromEnvironment(env, budget -> new Unsent(LocationCall.httpClient(budget)));
    this.handler =
        new ProfileHandler(
            profiles, locations, Clock.systemUTC(), Optional.empty(), Log.Output.DISCARD);
  }

  /** Registers the profile function's priming; the caller keeps the result (CRaC holds weakly). */
  static Priming register(Environment env) {
    return Priming.register("profile", () -> new ProfilePriming(env));
  }

  @Override
  public void run() {
    serve(refusedPut);
    serve(invalidGet);
    profiles.get(Priming.ABSENT_KEY);
    Instant now = Instant.now();
    try {
      profiles.put(Priming.ABSENT_KEY, profile, Precondition.never(), now);
    } catch (VersionConflict refused) {
      // what DynamoDB answers a condition no item meets: nothing was written
    }
    StoredProfile stored = new StoredProfile(OWNER, profile, Timestamps.format(now), 1);
    Response.created(stored.toJson()).withETag(stored.version());
    locations.find(
        new LocationClient.Lookup(
            OWNER,
            "priming",
            "priming",
            REQUEST_ID,
            REQUEST_ID,
            Optional.of("Root=1-00000000-000000000000000000000000;Sampled=0")),
        Deadline.none(),
        new Metrics("profile"),
        discarded);
    if (LocationAnswer.read(locationAnswer, OWNER) instanceof LocationClient.Found found) {
      stored.toJson().put("location", found.toJson());
    }
    Priming.renderMetricsLine("profile");
  }

  private void serve(byte[] event) {
    try {
      handler.handleRequest(
          new ByteArrayInputStream(event), OutputStream.nullOutputStream(), context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An HTTP client that prepares each request as the URLConnection client does (no connection is
   * opened before a request is sent) and sends none: the lookup's whole path up to the socket.
   */
  private static final class Unsent implements SdkHttpClient {
    private final SdkHttpClient prepares;

    Unsent(SdkHttpClient prepares) {
      this.prepares = prepares;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      ExecutableHttpRequest prepared = prepares.prepareRequest(request);
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          prepared.abort();
          throw new IOException("priming sends no location call");
        }

        @Override
        public void abort() {
          prepared.abort();
        }
      };
    }

    @Override
    public void close() {
      prepares.close();
    }
  }
}
