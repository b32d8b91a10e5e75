package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThrottlesTest {
  /** Requests admitted out of {@code n} sent at once (far faster than any refill here). */
  private static int admitted(Throttles throttles, String method, int n) {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      if (throttles.tryAcquire(method)) {
        ok++;
      }
    }
    return ok;
  }

  @Test
  void theStageSettingGivesEveryMethodABucketOfItsOwn() {
    Throttles throttles = new Throttles(Optional.of(new Throttle.Limits(0.001, 5)), Map.of());
    assertEquals(5, admitted(throttles, "GET /profiles/{userId}", 20));
    // A shared stage bucket would be empty now; on AWS the next method has its own.
    assertEquals(5, admitted(throttles, "PUT /profiles/{userId}", 20));
    assertEquals(0, admitted(throttles, "GET /profiles/{userId}", 1));
  }

  @Test
  void aMethodsOwnSettingReplacesTheStageDefaultForThatMethod() {
    Throttles throttles =
        new Throttles(
            Optional.of(new Throttle.Limits(0.001, 2)),
            Map.of("POST /auth/tokens", new Throttle.Limits(0.001, 7)));
    assertEquals(7, admitted(throttles, "POST /auth/tokens", 20));
    assertEquals(2, admitted(throttles, "POST /auth/users", 20));
  }

  @Test
  void withoutSettingsNothingIsThrottled() {
    Throttles throttles = new Throttles(Optional.empty(), Map.of());
    assertEquals(1000, admitted(throttles, "GET /profiles/{userId}", 1000));
  }
}
