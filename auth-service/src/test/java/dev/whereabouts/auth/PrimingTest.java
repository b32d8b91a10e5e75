package dev.whereabouts.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.snapstart.LocalAnswers;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import dev.whereabouts.shared.testing.CountingProxy;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.PrimingRuns;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {
  @Test
  void primingOfTheAuthFunctionWritesNothingAndLogsOnlyThatItRan() {
    String table = LocalDynamoDb.createTable("auth", AuthTable.KEY, null);
    AuthHandler handler = new AuthHandler(LocalDynamoDb.environment(Map.of("TABLE_NAME", table)));

    PrimingRuns.runQuietly(handler.priming());

    assertEquals(0, LocalDynamoDb.client().scan(s -> s.tableName(table)).count());
  }

  @Test
  void primingOfTheAuthorizerWritesNothingAndLogsOnlyThatItRan() {
    String table = LocalDynamoDb.createTable("auth", AuthTable.KEY, null);
    Authorizer authorizer = new Authorizer(LocalDynamoDb.environment(Map.of("TABLE_NAME", table)));

    PrimingRuns.runQuietly(authorizer.priming());

    assertEquals(0, LocalDynamoDb.client().scan(s -> s.tableName(table)).count());
  }

  @Test
  void thePrimingTokenIsWellFormedSoPrimingRunsTheLookupOfARealRequest() {
    assertEquals(
        AuthorizerPriming.PRIMING_TOKEN,
        Tokens.fromAuthorizationHeader("Bearer " + AuthorizerPriming.PRIMING_TOKEN).orElseThrow());
  }

  @Test
  void theAuthorizersFirstRequestAfterPrimingOpensAFreshConnectionAndLaterOnesReuseIt()
      throws Exception {
    String table = LocalDynamoDb.createTable("auth", AuthTable.KEY, null);
    try (CountingProxy dynamoDb = new CountingProxy(LocalDynamoDb.endpoint())) {
      Map<String, String> env = new HashMap<>(LocalDynamoDb.environment(Map.of()));
      env.put("TABLE_NAME", table);
      env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.url());
      Authorizer authorizer = new Authorizer(env);

      PrimingRuns.runQuietly(authorizer.priming());
      int primed = dynamoDb.connections();
      assertTrue(primed >= 1, "priming's token lookup reached DynamoDB");

      // Priming drives the real lookup; a connection it left in the pool would be in the
      // snapshot and dead after a restore: the first request must not find one.
      assertUnknown(authorizer);
      assertEquals(primed + 1, dynamoDb.connections(), "the first request opened its own");
      assertUnknown(authorizer);
      assertEquals(primed + 1, dynamoDb.connections(), "real requests keep theirs alive");
    }
  }

  @Test
  void theAnsweredLookupOfPrimingAllowsSoTheAllowingPolicyIsBuiltToo() {
    Environment env = Environment.of(LocalDynamoDb.environment(Map.of("TABLE_NAME", "auth")));
    Authorizer answered =
        new Authorizer(
            new Tokens(
                new AuthTable(
                    Aws.dynamoDbForSnapshot(
                        env, new LocalAnswers("{\"Item\":" + AuthorizerPriming.STORED + "}")),
                    "auth")),
            Clock.systemUTC(),
            Telemetry.from(env).to(Log.Output.DISCARD));
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("Authorization", "Bearer " + AuthorizerPriming.PRIMING_TOKEN);
    event.setHeaders(headers);

    assertEquals(
        "snapstart-owner", StreamInvocations.authorize(answered, event).get("principalId"));
  }

  private static void assertUnknown(Authorizer authorizer) {
    APIGatewayCustomAuthorizerEvent event =
        EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("Authorization", "Bearer " + "A".repeat(43));
    event.setHeaders(headers);
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> StreamInvocations.authorize(authorizer, event));
    assertEquals("Unauthorized", e.getMessage());
  }
}
