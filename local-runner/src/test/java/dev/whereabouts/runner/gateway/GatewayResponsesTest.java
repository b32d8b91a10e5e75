package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayResponsesTest {
  private final GatewayResponses responses =
      new GatewayResponses(
          Map.of(
              "UNAUTHORIZED",
              new GatewayResponses.Template(
                  401,
                  Map.of(
                      "Content-Type",
                      "'application/problem+json'",
                      "X-Request-Id",
                      "context.requestId"),
                  "{\"status\":401,\"detail\":$context.error.messageString,\"requestId\":\"$context.requestId\"}"),
              "DEFAULT_5XX",
              new GatewayResponses.Template(
                  null,
                  Map.of("Content-Type", "'application/problem+json'"),
                  "{\"status\":$statusCode,\"type\":\"$context.error.responseType\"}")));

  @Test
  void rendersTheTemplateWithContextVariables() {
    GatewayResponses.Answer a =
        responses.render(
            GatewayResponseType.UNAUTHORIZED, "Unauthorized", Map.of("requestId", "r-1"));
    assertEquals(401, a.status());
    assertEquals("application/problem+json", a.headers().get("Content-Type"));
    assertEquals("r-1", a.headers().get("X-Request-Id"));
    assertEquals("{\"status\":401,\"detail\":\"Unauthorized\",\"requestId\":\"r-1\"}", a.body());
  }

  @Test
  void missingTypesFallBackToTheDefaultOfTheirClassKeepingTheirStatus() {
    GatewayResponses.Answer a =
        responses.render(GatewayResponseType.DEFAULT_5XX, 502, "Internal server error", Map.of());
    assertEquals(502, a.status());
    assertEquals("{\"status\":502,\"type\":\"DEFAULT_5XX\"}", a.body());
    GatewayResponses.Answer b =
        responses.render(
            GatewayResponseType.INTEGRATION_TIMEOUT, "Endpoint request timed out", Map.of());
    assertEquals(504, b.status());
    assertEquals("{\"status\":504,\"type\":\"INTEGRATION_TIMEOUT\"}", b.body());
  }

  @Test
  void withoutAnyTemplateTheBuiltInAnswerIsUsed() {
    GatewayResponses.Answer a =
        new GatewayResponses(Map.of())
            .render(GatewayResponseType.THROTTLED, "Too Many Requests", Map.of());
    assertEquals(429, a.status());
    assertEquals("{\"message\":\"Too Many Requests\"}", a.body());
  }
}
