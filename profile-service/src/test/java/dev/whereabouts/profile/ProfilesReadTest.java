package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.RecordedReads;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfilesReadTest {
  @Test
  void theProfileReadForThePublicGetIsEventuallyConsistent() {
    RecordedReads recorded = new RecordedReads();
    Profiles profiles =
        new Profiles(recorded.client(), LocalDynamoDb.createTable("profiles", Profiles.KEY, null));
    profiles.put(
        "ada",
        new Profile("Ada", Optional.empty()),
        Precondition.none(),
        Instant.parse("2026-12-05T10:00:00Z"));

    assertEquals("Ada", profiles.get("ada").orElseThrow().profile().displayName());

    assertEquals(1, recorded.reads().size());
    assertEquals(Boolean.FALSE, recorded.reads().get(0).consistentRead());
  }
}
