package dev.whereabouts.auth;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.AuthorizerEvent;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.LocalAnswers;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * SnapStart priming of the authorizer ({@link Priming}): one round drives throwaway authorizers of
 * its own, built when priming runs, through their public method with the REQUEST events of real
 * requests: a token of the wrong form (denied before any lookup, a correlation id made up) and a
 * well-formed token no one holds ({@link #PRIMING_TOKEN}: the bearer and method ARN patterns, the
 * hash and the consistent read of a real request run, and it is denied); then the same token on an
 * authorizer whose reads are answered inside the process ({@link LocalAnswers}), so the allowing
 * policy is built and written. Writes nothing; its lines go nowhere; its DynamoDB connections are
 * closed after each call.
 */
final class AuthorizerPriming implements Runnable {
  /**
   * The token priming presents: well-formed, and never issued: a token is 256 bits from {@link
   * java.security.SecureRandom}, so no stored item has this one's hash.
   */
  static final String PRIMING_TOKEN = "snapstart-priming-never-issued-000000000000";

  private static final String METHOD_ARN =
      "arn:aws:execute-api:eu-central-1:123456789012:priming/priming/GET/priming";

  /**
   * What the answered reads return: a token item and a user item at once (each read takes its own
   * attributes), of one account in the token's generation, valid until 2100.
   */
  static final String STORED =
      "{\"userId\":{\"S\":\"snapstart-owner\"},\"tokenGeneration\":{\"S\":\"priming\"},"
          + "\"expiresAt\":{\"N\":\"4102444800\"},\"passwordHash\":{\"S\":\"priming\"},"
          + "\"failures\":{\"N\":\"0\"},\"version\":{\"N\":\"1\"}}";

  private final Authorizer authorizer;
  private final Authorizer answered;
  private final SyntheticContext context = SyntheticContext.of("snapstart-priming");
  private final byte[] malformedToken =
      AuthorizerEvent.builder(METHOD_ARN)
          .header("Authorization", "Bearer snapstart-priming")
          .requestContext("snapstart-priming", "192.0.2.1")
          .toBytes();
  private final byte[] unknownToken =
      AuthorizerEvent.builder(METHOD_ARN)
          .header("Authorization", "Bearer " + PRIMING_TOKEN)
          .header("X-Correlation-Id", "snapstart-priming")
          .requestContext("snapstart-priming", "192.0.2.1")
          .toBytes();

  private AuthorizerPriming(Environment env, Telemetry telemetry) {
    Telemetry discarded = telemetry.to(Log.Output.DISCARD);
    AuthTable table = new AuthTable(Aws.dynamoDbForSnapshot(env), env.require("TABLE_NAME"));
    this.authorizer = new Authorizer(new Tokens(table), Clock.systemUTC(), discarded);
    AuthTable answers =
        new AuthTable(
            Aws.dynamoDbForSnapshot(env, new LocalAnswers("{\"Item\":" + STORED + "}")),
            env.require("TABLE_NAME"));
    this.answered = new Authorizer(new Tokens(answers), Clock.systemUTC(), discarded);
  }

  /**
   * Registers the authorizer's priming, its authorizers configured as the function's ({@code
   * telemetry}) with their lines discarded; the caller keeps the result (CRaC holds weakly).
   */
  static Priming register(Environment env, Telemetry telemetry) {
    return Priming.register("auth", telemetry, () -> new AuthorizerPriming(env, telemetry));
  }

  @Override
  public void run() {
    serve(authorizer, malformedToken);
    serve(authorizer, unknownToken);
    serve(answered, unknownToken);
  }

  private void serve(Authorizer authorizer, byte[] event) {
    try {
      authorizer.handleRequest(
          new ByteArrayInputStream(event), OutputStream.nullOutputStream(), context);
    } catch (Unauthorized expected) {
      // the answer to every unknown token
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
