package dev.whereabouts.auth;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.http.AuthorizerEvent;
import dev.whereabouts.shared.http.SyntheticContext;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Aws;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * SnapStart priming of the authorizer ({@link Priming}): one round drives a throwaway authorizer
 * and table of its own, built when priming runs, through its public method with the REQUEST events
 * of real requests, both denied: a token of the wrong form (denied before any lookup, a correlation
 * id made up) and a well-formed token no one holds ({@link #PRIMING_TOKEN}: the bearer and method
 * ARN patterns, the hash and the consistent read of a real request run). Writes nothing; its lines
 * go nowhere; its DynamoDB client closes every connection.
 */
final class AuthorizerPriming implements Runnable {
  /**
   * The token priming presents: well-formed, and never issued: a token is 256 bits from {@link
   * java.security.SecureRandom}, so no stored item has this one's hash.
   */
  static final String PRIMING_TOKEN = "snapstart-priming-never-issued-000000000000";

  private static final String METHOD_ARN =
      "arn:aws:execute-api:eu-central-1:123456789012:priming/priming/GET/priming";

  private final Authorizer authorizer;
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

  private AuthorizerPriming(Environment env) {
    AuthTable table = new AuthTable(Aws.dynamoDbForSnapshot(env), env.require("TABLE_NAME"));
    this.authorizer = new Authorizer(new Tokens(table), Clock.systemUTC(), Log.Output.DISCARD);
  }

  /** Registers the authorizer's priming; the caller keeps the result (CRaC holds weakly). */
  static Priming register(Environment env) {
    return Priming.register("auth", () -> new AuthorizerPriming(env));
  }

  @Override
  public void run() {
    deny(malformedToken);
    deny(unknownToken);
  }

  private void deny(byte[] event) {
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
