package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.testing.SecretScan;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SecretScan.class)
class LocationClientTest {
  @Test
  void withoutAConfiguredUrlTheBaseIsTheInvokingApisUrl() {
    assertEquals(
        Optional.of(URI.create("https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod")),
        LocationClient.derivedApiUrl(
            "https", "a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com", "prod"));
    assertEquals(
        Optional.of(URI.create("http://127.0.0.1:3000/prod")),
        LocationClient.derivedApiUrl("http", "127.0.0.1:3000", "prod"));
    assertEquals(
        Optional.of(URI.create("https://api.example.com/staging")),
        LocationClient.derivedApiUrl("ftp", "api.example.com", "staging"));
  }

  @Test
  void noBaseIsDerivedFromMissingOrForeignLookingParts() {
    assertEquals(Optional.empty(), LocationClient.derivedApiUrl("https", "", "prod"));
    assertEquals(Optional.empty(), LocationClient.derivedApiUrl("https", "api.example.com", ""));
    assertEquals(Optional.empty(), LocationClient.derivedApiUrl("https", null, "prod"));
    assertEquals(Optional.empty(), LocationClient.derivedApiUrl("https", "evil.com/x?", "prod"));
    assertEquals(Optional.empty(), LocationClient.derivedApiUrl("https", "user@evil.com", "prod"));
    assertEquals(
        Optional.empty(), LocationClient.derivedApiUrl("https", "api.example.com", "../admin"));
  }

  @Test
  void aConfiguredUrlLosesItsTrailingSlash() {
    assertEquals(
        URI.create("http://127.0.0.1:3000/prod"),
        LocationClient.apiUrl("http://127.0.0.1:3000/prod/"));
    assertEquals(
        URI.create("https://abc.execute-api.eu-central-1.amazonaws.com/prod"),
        LocationClient.apiUrl("https://abc.execute-api.eu-central-1.amazonaws.com/prod"));
  }

  @Test
  void theBudgetDefaultsTo800MillisecondsAndAcceptsOneToOneThousand() {
    assertEquals(Duration.ofMillis(800), LocationClient.budget(Optional.empty()));
    assertEquals(LocationClient.DEFAULT_BUDGET, LocationClient.budget(Optional.empty()));
    assertEquals(Duration.ofMillis(1), LocationClient.budget(Optional.of("1")));
    assertEquals(Duration.ofMillis(1000), LocationClient.budget(Optional.of("1000")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001", "-1", "0.5", "one"})
  void aBudgetOutsideOneToOneThousandFailsNamingTheVariable(String value) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LocationClient.budget(Optional.of(value)));
    assertTrue(e.getMessage().contains("LOCATION_BUDGET_MS"));
  }

  private static LocationClient.Result read(String body) {
    return LocationClient.location(body.getBytes(StandardCharsets.UTF_8), "anna");
  }

  @Test
  void aLocationBodyIsReadWithOrWithoutAName() {
    assertEquals(
        new LocationClient.Found(48.137, 11.575, Optional.of("Munich"), "2026-11-23T10:15:30.123Z"),
        read(
            "{\"userId\":\"anna\",\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\","
                + "\"updatedAt\":\"2026-11-23T10:15:30.123Z\",\"version\":3}"));
    assertEquals(
        new LocationClient.Found(-1, 2, Optional.empty(), "2026-11-23T10:15:30.123Z"),
        read(
            "{\"latitude\":-1,\"longitude\":2,\"name\":null,\"updatedAt\":\"2026-11-23T10:15:30.123Z\"}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"latitude\":1,",
        "[]",
        "\"text\"",
        "{}",
        "{\"latitude\":\"1\",\"longitude\":2,\"updatedAt\":\"2026-11-23T10:15:30.123Z\"}",
        "{\"latitude\":91,\"longitude\":2,\"updatedAt\":\"2026-11-23T10:15:30.123Z\"}",
        "{\"latitude\":1,\"longitude\":2,\"name\":5,\"updatedAt\":\"2026-11-23T10:15:30.123Z\"}",
        "{\"latitude\":1,\"longitude\":2,\"updatedAt\":\"yesterday\"}",
        "{\"userId\":\"bert\",\"latitude\":1,\"longitude\":2,"
            + "\"updatedAt\":\"2026-11-23T10:15:30.123Z\"}"
      })
  void anythingNotShapedLikeTheUsersLocationIsUnavailable(String body) {
    assertInstanceOf(LocationClient.Unavailable.class, read(body));
  }
}
