package dev.whereabouts.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTest {
  private static Request from(APIGatewayProxyRequestEvent event, Metrics metrics) {
    return Request.from(
        StreamInvocations.proxyEvent(event),
        Invocation.of(SyntheticContext.of("test")),
        metrics,
        new Log("test", "test", Log.Output.STANDARD, Log.Level.INFO));
  }

  private static Request withIfMatch(String value) {
    return from(
        ApiEvents.request("PUT", "/x", "/x").header("If-Match", value).build(),
        new Metrics("t", Optional.empty()));
  }

  @Test
  void ifMatchReadsQuotedVersionsAndStar() {
    assertEquals(Precondition.version(7), withIfMatch("\"7\"").precondition());
    assertEquals(Precondition.exists(), withIfMatch("*").precondition());
    assertEquals(
        Precondition.none(),
        from(ApiEvents.request("PUT", "/x", "/x").build(), new Metrics("t", Optional.empty()))
            .precondition());
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "\"0\"", "\"-1\"", "W/\"7\"", "\"abc\"", "\"99999999999999999999\""})
  void malformedIfMatchIsABadRequest(String value) {
    Problem p = assertThrows(Problem.class, () -> withIfMatch(value).precondition());
    assertEquals(400, p.status());
  }

  @Test
  void anonymousCallersAre401AndOthersAre403() {
    Request anonymous = from(owned("abc").build(), new Metrics("t", Optional.empty()));
    assertEquals(401, assertThrows(Problem.class, anonymous::ownerDelete).status());
    Request other = from(owned("abc").caller("bob").build(), new Metrics("t", Optional.empty()));
    assertEquals(403, assertThrows(Problem.class, other::ownerDelete).status());
    Request owner = from(owned("bob").caller("bob").build(), new Metrics("t", Optional.empty()));
    assertEquals("bob", owner.ownerDelete().owner());
  }

  @Test
  void anOwnersWriteHandsTheRouteItsOwnerBodyAndPrecondition() {
    Request write =
        from(
            owned("bob").caller("bob").json("{\"a\":1}").header("If-Match", "\"3\"").build(),
            new Metrics("t", Optional.empty()));

    Request.OwnerWrite<Object> checked = write.ownerWrite(body -> body.get("a"));

    assertEquals("bob", checked.owner());
    assertEquals(1, checked.body());
    assertEquals(Precondition.version(3), checked.precondition());
  }

  @Test
  void withoutADeadlineNoTimeLeftIsKnownAndWithOneItCountsDown() {
    Request synthetic =
        from(ApiEvents.request("GET", "/x", "/x").build(), new Metrics("t", Optional.empty()));
    assertTrue(synthetic.deadline().remaining().isPresent());
    assertTrue(Deadline.none().remaining().isEmpty());
    assertTrue(
        Deadline.in(Duration.ofSeconds(5))
                .remaining()
                .orElseThrow()
                .compareTo(Duration.ofSeconds(5))
            <= 0);
  }

  private static ApiEvents owned(String userId) {
    return ApiEvents.request("PUT", "/x/{userId}", "/x/" + userId).pathParameter("userId", userId);
  }

  @Test
  void headersAreCaseInsensitive() {
    Request r =
        from(
            ApiEvents.request("GET", "/x", "/x").header("x-correlation-id", "abc").build(),
            new Metrics("t", Optional.empty()));
    assertEquals("abc", r.correlationId());
  }

  @Test
  void base64BodiesAreDecodedBeforeTheSizeCheck() {
    var event = ApiEvents.request("PUT", "/x", "/x").json("eyJhIjoxfQ==").build();
    event.setIsBase64Encoded(true);
    assertEquals(
        1,
        ((Number) from(event, new Metrics("t", Optional.empty())).jsonBody().get("a")).intValue());
  }
}
