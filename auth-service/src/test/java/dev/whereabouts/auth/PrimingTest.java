package dev.whereabouts.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.PrimingRuns;
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
}
