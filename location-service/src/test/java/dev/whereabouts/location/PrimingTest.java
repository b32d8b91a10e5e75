package dev.whereabouts.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.CountingProxy;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.PrimingRuns;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {
  @Test
  void primingWritesNothingAndLogsOnlyThatItRan() {
    String table = LocalDynamoDb.createTable("locations", Locations.KEY, null);
    LocationHandler handler =
        new LocationHandler(LocalDynamoDb.environment(Map.of("TABLE_NAME", table)));

    PrimingRuns.runQuietly(handler.priming());

    assertEquals(0, LocalDynamoDb.client().scan(s -> s.tableName(table)).count());
  }

  @Test
  void theFirstRequestAfterPrimingOpensAFreshConnectionAndLaterOnesReuseIt() throws Exception {
    String table = LocalDynamoDb.createTable("locations", Locations.KEY, null);
    try (CountingProxy dynamoDb = new CountingProxy(LocalDynamoDb.endpoint())) {
      Map<String, String> env = new HashMap<>(LocalDynamoDb.environment(Map.of()));
      env.put("TABLE_NAME", table);
      env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.url());
      LocationHandler handler = new LocationHandler(env);

      PrimingRuns.runQuietly(handler.priming());
      int primed = dynamoDb.connections();
      assertTrue(primed >= 1, "priming reached DynamoDB");

      // A connection left in the pool by priming would be in the snapshot and dead after a
      // restore: the first request must not find one.
      assertEquals(404, StreamInvocations.call(handler, get("olga")).getStatusCode());
      assertEquals(primed + 1, dynamoDb.connections(), "the first request opened its own");
      assertEquals(404, StreamInvocations.call(handler, get("olga")).getStatusCode());
      assertEquals(primed + 1, dynamoDb.connections(), "real requests keep theirs alive");
    }
  }

  private static com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent get(
      String userId) {
    return ApiEvents.request("GET", "/locations/{userId}", "/locations/" + userId)
        .pathParameter("userId", userId)
        .build();
  }
}
