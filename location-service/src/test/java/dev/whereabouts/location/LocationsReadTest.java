package dev.whereabouts.location;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.RecordedReads;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocationsReadTest {
  @Test
  void theLocationReadForThePublicProfileIsEventuallyConsistent() {
    RecordedReads recorded = new RecordedReads();
    Locations locations =
        new Locations(
            recorded.client(), LocalDynamoDb.createTable("locations", Locations.KEY, null));
    locations.put(
        "ada",
        new Location(52.52, 13.405, Optional.empty()),
        Precondition.none(),
        Instant.parse("2026-12-05T10:00:00Z"));

    assertEquals(52.52, locations.get("ada").orElseThrow().location().latitude());

    assertEquals(1, recorded.reads().size());
    assertEquals(Boolean.FALSE, recorded.reads().get(0).consistentRead());
  }
}
