package dev.whereabouts.runner.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Faults in one function, set through {@code POST /_local/faults} as the page and CLI set them. */
class FunctionFaultTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalRunner runner() {
    LocalRunner r = SuiteUnderTest.localRunner();
    Assumptions.assumeTrue(r != null, "faults are injected into a local runner only");
    return r;
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(runner().baseUrl() + "/_local/faults"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> getProfile() throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(runner().baseUrl() + "/profiles/fault-nobody")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double sum(String metric, String stat) {
    long now = runner().metrics().store().clock().millis();
    return runner()
        .metrics()
        .store()
        .statistic(
            MetricKey.of("AWS/Lambda", metric, "FunctionName", "ProfileFunction"),
            Statistic.parse(stat),
            now - 3_600_000,
            now + 1)
        .orElse(0);
  }

  @AfterEach
  void lift() throws Exception {
    post("{\"clear\":true}");
  }

  @Test
  void aFailingFunctionAnswers502AndCountsAsAnError() throws Exception {
    assertEquals(404, getProfile().statusCode());
    double errors = sum("Errors", "Sum");
    assertEquals(200, post("{\"function\":\"ProfileFunction\",\"failureRate\":1}").statusCode());
    assertEquals(502, getProfile().statusCode());
    assertEquals(errors + 1, sum("Errors", "Sum"), 1e-9);
    post("{\"function\":\"ProfileFunction\",\"failureRate\":0}");
    assertEquals(404, getProfile().statusCode());
  }

  @Test
  void injectedLatencyCountsInTheFunctionsDuration() throws Exception {
    assertEquals(200, post("{\"function\":\"ProfileFunction\",\"latencyMs\":300}").statusCode());
    long start = System.nanoTime();
    assertEquals(404, getProfile().statusCode());
    assertTrue((System.nanoTime() - start) / 1e6 >= 300);
    assertTrue(sum("Duration", "Maximum") >= 300);
  }

  @Test
  void aFaultTheRunnerCannotSetIsA400ThatSaysWhy() throws Exception {
    HttpResponse<String> unknown = post("{\"function\":\"NoSuchFunction\",\"failureRate\":1}");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("no function named 'NoSuchFunction'"), unknown.body());
    assertEquals(400, post("{\"function\":\"ProfileFunction\",\"failureRate\":2}").statusCode());
    assertEquals(400, post("{\"table\":\"ProfileTable\",\"throttleRate\":-1}").statusCode());
    assertEquals(400, post("not json").statusCode());
    assertEquals(400, post("[]").statusCode());
  }
}
