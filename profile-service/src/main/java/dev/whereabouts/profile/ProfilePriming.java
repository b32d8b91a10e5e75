package dev.whereabouts.profile;

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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * SnapStart priming of the profile function ({@link Priming}). One round drives, through their
 * public methods, two throwaway handlers built when priming runs: one over DynamoDB (a {@code PUT}
 * refused after its body was validated, a {@code GET} of an invalid id, the read of a key no user
 * has, the {@code PUT}'s write refused by DynamoDB under {@link Precondition#never()}), and one
 * whose DynamoDB calls are answered inside the process ({@link LocalAnswers}: the owner's {@code
 * PUT}, a {@code GET} with its location lookup, the owner's {@code DELETE}). The lookup is signed
 * and prepared up to the socket and never sent, and a location service's answer is read. Writes
 * nothing, calls no location service; its lines go nowhere; its DynamoDB connections are closed
 * after each call.
 */
final class ProfilePriming implements Runnable {
  private static final String OWNER = "snapstart-owner";
  private static final String RESOURCE = "/profiles/{userId}";
  private static final String BODY = "{\"displayName\":\"Priming\",\"bio\":\"never stored\"}";

  /** The item the answered calls return: a first {@code PUT} of {@link #BODY} by its owner. */
  private static final String STORED =
      "{\"userId\":{\"S\":\"snapstart-owner\"},\"displayName\":{\"S\":\"Priming\"},"
          + "\"bio\":{\"S\":\"never stored\"},\"version\":{\"N\":\"1\"},"
          + "\"createdAt\":{\"S\":\"2026-01-01T00:00:00.000Z\"},"
          + "\"updatedAt\":{\"S\":\"2026-01-01T00:00:00.000Z\"}}";

  private final Profiles profiles;
  private final ProfileHandler refusing;
  private final ProfileHandler answered;
  private final SyntheticContext context = SyntheticContext.of("snapstart-priming");
  private final Profile profile = new Profile("Priming", Optional.of("never stored"));
  private final byte[] refusedPut =
      event("PUT", OWNER).caller("snapstart-caller").jsonBody(BODY).toBytes();
  private final byte[] invalidGet = event("GET", Priming.ABSENT_KEY).toBytes();
  private final byte[] ownersPut = event("PUT", OWNER).caller(OWNER).jsonBody(BODY).toBytes();
  private final byte[] get = event("GET", OWNER).toBytes();
  private final byte[] ownersDelete = event("DELETE", OWNER).caller(OWNER).toBytes();
  private final byte[] locationAnswer =
      ("{\"userId\":\""
              + OWNER
              + "\",\"latitude\":52.52,\"longitude\":13.405,"
              + "\"name\":null,\"updatedAt\":\"2026-01-01T00:00:00Z\"}")
          .getBytes(StandardCharsets.UTF_8);

  private ProfilePriming(Environment env, Telemetry telemetry) {
    Telemetry discarded = telemetry.to(Log.Output.DISCARD);
    String table = env.require("TABLE_NAME");
    LocationClient unsent =
        LocationClient.fromEnvironment(env, budget -> new Unsent(LocationCall.httpClient(budget)));
    this.profiles = new Profiles(Aws.dynamoDbForSnapshot(env), table);
    this.refusing =
        new ProfileHandler(profiles, unsent, Clock.systemUTC(), Optional.empty(), discarded);
    this.answered =
        new ProfileHandler(
            new Profiles(
                Aws.dynamoDbForSnapshot(
                    env,
                    new LocalAnswers("{\"Item\":" + STORED + ",\"Attributes\":" + STORED + "}")),
                table),
            unsent,
            Clock.systemUTC(),
            Optional.empty(),
            discarded);
  }

  /**
   * Registers the profile function's priming, its handlers configured as the function's ({@code
   * telemetry}) with their lines discarded; the caller keeps the result (CRaC holds weakly).
   */
  static Priming register(Environment env, Telemetry telemetry) {
    return Priming.register("profile", telemetry, () -> new ProfilePriming(env, telemetry));
  }

  @Override
  public void run() {
    serve(refusing, refusedPut);
    serve(refusing, invalidGet);
    profiles.get(Priming.ABSENT_KEY);
    try {
      profiles.put(Priming.ABSENT_KEY, profile, Precondition.never(), Instant.now());
    } catch (VersionConflict refused) {
      // what DynamoDB answers a condition no item meets: nothing was written
    }
    serve(answered, ownersPut);
    serve(answered, get);
    serve(answered, ownersDelete);
    if (LocationAnswer.read(locationAnswer, OWNER) instanceof LocationClient.Found found) {
      found.toJson();
    }
  }

  private static ProxyEvent.Builder event(String method, String userId) {
    return ProxyEvent.builder(method, RESOURCE)
        .pathParameter("userId", userId)
        .requestContext("snapstart-priming", "priming", "priming");
  }

  private void serve(ProfileHandler handler, byte[] event) {
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
