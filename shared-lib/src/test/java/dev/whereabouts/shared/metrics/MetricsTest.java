package dev.whereabouts.shared.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.Jackson;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void nothingRecordedWritesNothing() {
    assertTrue(new Metrics("s", Optional.empty()).toEmf(Instant.EPOCH, Map.of()).isEmpty());
  }

  @Test
  void writesEmbeddedMetricFormat() throws Exception {
    Metrics m = new Metrics("profile", Optional.empty());
    m.count("LocationLookupUnavailable");
    m.milliseconds("LocationLookupLatency", 12.5);
    m.milliseconds("LocationLookupLatency", 7);
    JsonNode emf =
        Jackson.MAPPER.readTree(
            m.toEmf(Instant.ofEpochMilli(1795428930123L), Map.of("requestId", "r1")).orElseThrow());
    assertEquals(1795428930123L, emf.at("/_aws/Timestamp").asLong());
    JsonNode directive = emf.at("/_aws/CloudWatchMetrics/0");
    assertEquals("Whereabouts", directive.get("Namespace").asText());
    assertEquals("Service", directive.at("/Dimensions/0/0").asText());
    assertEquals("Count", directive.at("/Metrics/0/Unit").asText());
    assertEquals("Milliseconds", directive.at("/Metrics/1/Unit").asText());
    assertEquals("profile", emf.get("Service").asText());
    assertEquals(1.0, emf.get("LocationLookupUnavailable").asDouble());
    assertEquals(2, emf.get("LocationLookupLatency").size());
    assertEquals("r1", emf.get("requestId").asText());
  }

  @Test
  void theStackIsADimensionSoTwoStacksNeverShareAMetric() throws Exception {
    Metrics m =
        new Metrics(
            "auth", Metrics.stack(Environment.of(Map.of("STACK_NAME", "whereabouts-staging"))));
    m.count("LoginFailed");
    JsonNode emf = Jackson.MAPPER.readTree(m.toEmf(Instant.EPOCH, Map.of()).orElseThrow());
    assertEquals(
        "[\"Service\",\"Stack\"]", emf.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString());
    assertEquals("auth", emf.get("Service").asText());
    assertEquals("whereabouts-staging", emf.get("Stack").asText());
  }

  @Test
  void withoutAStackNameTheServiceIsTheOnlyDimension() throws Exception {
    Metrics m = new Metrics("auth", Metrics.stack(Environment.of(Map.of())));
    m.count("LoginFailed");
    JsonNode emf = Jackson.MAPPER.readTree(m.toEmf(Instant.EPOCH, Map.of()).orElseThrow());
    assertEquals("[\"Service\"]", emf.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString());
    assertTrue(emf.path("Stack").isMissingNode(), emf.toString());
  }
}
