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
  private static final Optional<URI> ON_AWS = Optional.empty();

  @Test
  void withoutAConfiguredUrlTheBaseIsTheInvokingApisExecuteApiUrlInTheFunctionsRegion() {
    assertEquals(
        Optional.of(URI.create("https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod")),
        LocationClient.derivedApiUrl("a1b2c3d4e5", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.of(URI.create("https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn/prod")),
        LocationClient.derivedApiUrl("a1b2c3d4e5", "prod", "cn-north-1", ON_AWS));
  }

  @Test
  void aConfiguredExecuteApiEndpointTakesTheStageOnly() {
    assertEquals(
        Optional.of(URI.create("http://127.0.0.1:3000/prod")),
        LocationClient.derivedApiUrl(
            "local", "prod", "eu-central-1", Optional.of(URI.create("http://127.0.0.1:3000"))));
  }

  @Test
  void noBaseIsDerivedFromMissingOrForeignLookingParts() {
    assertEquals(
        Optional.empty(), LocationClient.derivedApiUrl("", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(), LocationClient.derivedApiUrl(null, "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(), LocationClient.derivedApiUrl("a1b2c3d4e5", "", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(),
        LocationClient.derivedApiUrl("evil.com/x?", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(),
        LocationClient.derivedApiUrl("user@evil.com", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(),
        LocationClient.derivedApiUrl("a1b2c3d4e5", "../admin", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(), LocationClient.derivedApiUrl("a1b2c3d4e5", "prod", "evil.com#", ON_AWS));
  }

  @Test
  void aConfiguredUrlLosesItsTrailingSlash() {
    assertEquals(
        URI.create("http://127.0.0.1:3000/prod"),
        LocationClient.apiUrl("LOCATION_API_URL", "http://127.0.0.1:3000/prod/"));
    assertEquals(
        URI.create("https://abc.execute-api.eu-central-1.amazonaws.com/prod"),
        LocationClient.apiUrl(
            "LOCATION_API_URL", "https://abc.execute-api.eu-central-1.amazonaws.com/prod"));
  }

  @Test
  void aConfiguredUrlThatIsNotAbsoluteHttpFailsNamingItsVariable() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LocationClient.apiUrl("AWS_ENDPOINT_URL_EXECUTE_API", "file:///etc/passwd"));
    assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL_EXECUTE_API"));
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
