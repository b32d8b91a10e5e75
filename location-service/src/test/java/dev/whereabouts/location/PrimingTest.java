package dev.whereabouts.location;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.PrimingRuns;
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
}
