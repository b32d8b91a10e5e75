package dev.whereabouts.runner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class LocalMetricsTest {
  @Test
  void percentilesAreOverTheLatestTenThousandSamples() {
    LocalMetrics metrics = new LocalMetrics();
    for (int v = 1; v <= 10_005; v++) {
      metrics.invocation("F", v, v % 1000 == 0);
    }
    JsonNode f = metrics.toJson().at("/functions/F");
    assertEquals(10_005, f.get("invocations").asLong());
    assertEquals(10, f.get("errors").asLong());
    // 1..5 have left the ring; 6..10005 remain
    assertEquals(5005.0, f.at("/durationMs/p50").asDouble());
    assertEquals(9905.0, f.at("/durationMs/p99").asDouble());
    assertEquals(10_005.0, f.at("/durationMs/max").asDouble());
  }

  @Test
  void aFewSamplesAreReadAsTheyAre() {
    LocalMetrics metrics = new LocalMetrics();
    metrics.gatewayRequest(0.25);
    metrics.gatewayRequest(0.75);
    metrics.gatewayRequest(3.5);
    JsonNode gateway = metrics.toJson().get("gateway");
    assertEquals(3, gateway.get("requests").asLong());
    assertEquals(0.75, gateway.at("/ownMs/p50").asDouble());
    assertEquals(3.5, gateway.at("/ownMs/p99").asDouble());
    assertEquals(3.5, gateway.at("/ownMs/max").asDouble());
    assertEquals(0.0, new LocalMetrics().toJson().at("/gateway/ownMs/p50").asDouble());
  }

  @Test
  void emfLinesBecomeCustomMetricsAndOtherLinesDoNot() {
    LocalMetrics metrics = new LocalMetrics();
    String emf =
        "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"Whereabouts\","
            + "\"Dimensions\":[[\"Service\"]],\"Metrics\":[{\"Name\":\"LocationLookupMs\","
            + "\"Unit\":\"Milliseconds\"}]}]},\"Service\":\"profile\",\"LocationLookupMs\":[4,6]}";
    assertTrue(metrics.offer(emf));
    assertFalse(metrics.offer("{\"level\":\"INFO\",\"message\":\"request\"}"));
    JsonNode m =
        metrics.toJson().at("/customMetrics/Whereabouts~1LocationLookupMs~1Service=profile");
    assertEquals(2, m.get("samples").asLong());
    assertEquals(10.0, m.get("sum").asDouble());
    assertEquals(4.0, m.get("p50").asDouble());
    assertEquals(6.0, m.get("max").asDouble());
  }
}
