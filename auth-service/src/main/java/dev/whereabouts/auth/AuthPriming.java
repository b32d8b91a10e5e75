package dev.whereabouts.auth;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.ProxyEvent;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * SnapStart priming of the auth function ({@link Priming}): one round drives a throwaway handler
 * and table of its own, built when priming runs, through their public methods: a registration and a
 * login refused by validation (a short password, an invalid userId), the login's consistent read of
 * an account no user can have, and one Argon2id verification against the dummy hash (Bouncy
 * Castle's classes and the hash's code path). Writes nothing; its lines go nowhere; its DynamoDB
 * client closes every connection.
 */
final class AuthPriming implements Runnable {
  private static final String REQUEST_ID = "snapstart-priming";

  private final AuthTable table;
  private final Passwords passwords = new Passwords();
  private final AuthHandler handler;
  private final SyntheticContext context = SyntheticContext.of("snapstart-priming");
  private final byte[] refusedRegistration =
      ProxyEvent.builder("POST", "/auth/users")
          .jsonBody("{\"userId\":\"snapstart-priming\",\"password\":\"short\"}")
          .requestContext(REQUEST_ID, "priming", "priming")
          .toBytes();
  private final byte[] refusedLogin =
      ProxyEvent.builder("POST", "/auth/tokens")
          .jsonBody("{\"userId\":\"" + Priming.ABSENT_KEY + "\",\"password\":\"priming\"}")
          .requestContext(REQUEST_ID, "priming", "priming")
          .toBytes();

  private final Telemetry discarded;

  private AuthPriming(Environment env, Telemetry telemetry) {
    this.table = new AuthTable(Aws.dynamoDbForSnapshot(env), env.require("TABLE_NAME"));
    this.discarded = telemetry.to(Log.Output.DISCARD);
    this.handler = new AuthHandler(table, Clock.systemUTC(), passwords, discarded);
  }

  /**
   * Registers the auth function's priming, its handler configured as the function's ({@code
   * telemetry}) with its lines discarded; the caller keeps the result (CRaC holds weakly).
   */
  static Priming register(Environment env, Telemetry telemetry) {
    return Priming.register("auth", telemetry, () -> new AuthPriming(env, telemetry));
  }

  @Override
  public void run() {
    serve(refusedRegistration);
    serve(refusedLogin);
    table.account(Priming.ABSENT_KEY);
    passwords.burn("snapstart priming");
    Priming.renderMetricsLine("auth", discarded);
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
