package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.http.Deadline;
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
        LocationApi.derivedApiUrl("a1b2c3d4e5", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.of(URI.create("https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn/prod")),
        LocationApi.derivedApiUrl("a1b2c3d4e5", "prod", "cn-north-1", ON_AWS));
  }

  @Test
  void aConfiguredExecuteApiEndpointTakesTheStageOnly() {
    assertEquals(
        Optional.of(URI.create("http://127.0.0.1:3000/prod")),
        LocationApi.derivedApiUrl(
            "local", "prod", "eu-central-1", Optional.of(URI.create("http://127.0.0.1:3000"))));
  }

  @Test
  void noBaseIsDerivedFromMissingOrForeignLookingParts() {
    assertEquals(Optional.empty(), LocationApi.derivedApiUrl("", "prod", "eu-central-1", ON_AWS));
    assertEquals(Optional.empty(), LocationApi.derivedApiUrl(null, "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(), LocationApi.derivedApiUrl("a1b2c3d4e5", "", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(), LocationApi.derivedApiUrl("evil.com/x?", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(),
        LocationApi.derivedApiUrl("user@evil.com", "prod", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(),
        LocationApi.derivedApiUrl("a1b2c3d4e5", "../admin", "eu-central-1", ON_AWS));
    assertEquals(
        Optional.empty(), LocationApi.derivedApiUrl("a1b2c3d4e5", "prod", "evil.com#", ON_AWS));
  }

  @Test
  void aConfiguredUrlLosesItsTrailingSlash() {
    assertEquals(
        URI.create("http://127.0.0.1:3000/prod"),
        LocationApi.apiUrl("LOCATION_API_URL", "http://127.0.0.1:3000/prod/"));
    assertEquals(
        URI.create("https://abc.execute-api.eu-central-1.amazonaws.com/prod"),
        LocationApi.apiUrl(
            "LOCATION_API_URL", "https://abc.execute-api.eu-central-1.amazonaws.com/prod"));
  }

  @Test
  void aConfiguredUrlThatIsNotAbsoluteHttpFailsNamingItsVariable() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LocationApi.apiUrl("AWS_ENDPOINT_URL_EXECUTE_API", "file:///etc/passwd"));
    assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL_EXECUTE_API"));
  }

  @Test
  void theBudgetDefaultsTo800MillisecondsAndAcceptsOneToOneThousand() {
    assertEquals(Duration.ofMillis(800), LookupBudget.fromVariable(Optional.empty()).budget());
    assertEquals(LookupBudget.DEFAULT_BUDGET, LookupBudget.fromVariable(Optional.empty()).budget());
    assertEquals(Duration.ofMillis(1), LookupBudget.fromVariable(Optional.of("1")).budget());
    assertEquals(Duration.ofMillis(1000), LookupBudget.fromVariable(Optional.of("1000")).budget());
  }

  @Test
  void aLookupMayTakeItsBudgetOrWhatTheInvocationLeavesLessTheMargin() {
    LookupBudget budget = new LookupBudget(Duration.ofMillis(800));

    assertEquals(Optional.of(Duration.ofMillis(800)), budget.allowedWithin(Deadline.none()));
    assertTrue(
        budget.allowedWithin(Deadline.in(Duration.ofMillis(500))).orElseThrow().toMillis() <= 300);
    assertEquals(Optional.empty(), budget.allowedWithin(Deadline.in(Duration.ofMillis(150))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001", "-1", "0.5", "one"})
  void aBudgetOutsideOneToOneThousandFailsNamingTheVariable(String value) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LookupBudget.fromVariable(Optional.of(value)).budget());
    assertTrue(e.getMessage().contains("LOCATION_BUDGET_MS"));
  }

  private static LocationClient.Result read(String body) {
    return LocationAnswer.read(body.getBytes(StandardCharsets.UTF_8), "anna");
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
