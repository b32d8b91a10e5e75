package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.acceptance.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every row of API.md through the gateway: {@link ContractCases} run against the local runner, or
 * against a deployed stage when {@code WHEREABOUTS_BASE_URL} is set (rows that need the local
 * runner are then reported as aborted, with the reason).
 */
class ReliabilityContractTest {
  @TestFactory
  Stream<DynamicTest> everyRowOfTheContract() {
    List<ContractCases.Case> table = ContractCases.table();
    return table.stream()
        .map(
            c ->
                Checks.named(
                    c.name(),
                    () -> {
                      if (c.localOnly()) {
                        Assumptions.assumeTrue(
                            World.isLocal(), "needs the local runner; not run on a deployed stage");
                      }
                      c.then().accept(Checks.answer(c.request().get(), c.status()));
                    }));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void requestAndCorrelationIdsAreFollowedFromProfileToLocation() throws Exception {
    World.local("reads the functions' log lines");
    World.User u = World.register("follow");
    String bearer = u.bearer();
    World.json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"F\"}", "Authorization", bearer);
    World.json(
        "PUT", "/locations/" + u.id(), "{\"latitude\":1,\"longitude\":2}", "Authorization", bearer);
    String correlation = "follow-" + UUID.randomUUID();
    Api.Reply read =
        Checks.answer(
            World.send("GET", "/profiles/" + u.id(), null, "X-Correlation-Id", correlation), 200);
    assertEquals("ok", read.json().get("locationStatus").asText());
    String requestId = read.header("X-Request-Id");
    List<JsonNode> profile = new ArrayList<>();
    List<JsonNode> location = new ArrayList<>();
    for (JsonNode line : functionLines()) {
      if (correlation.equals(line.path("correlationId").asText())) {
        (line.path("service").asText().equals("location") ? location : profile).add(line);
      }
    }
    // The console routes a function's lines to its own runner's console, whichever runner of
    // the JVM installed itself last, so the transcript holds them in a whole-module run too.
    assertTrue(
        profile.stream().anyMatch(l -> requestId.equals(l.path("requestId").asText())),
        "the profile function logged the request with its id and the correlation id");
    assertTrue(
        !location.isEmpty(), "the location function logged the call with the correlation id");
  }

  @Test
  void everyLogLineOfEveryFunctionCarriesTheRequestAndCorrelationIds() throws Exception {
    World.local("reads the functions' log lines");
    World.register("lines");
    List<JsonNode> lines = functionLines();
    assertTrue(!lines.isEmpty());
    for (JsonNode line : lines) {
      if (line.has("_aws")) {
        continue; // an EMF metric record, not a log line
      }
      assertTrue(
          line.hasNonNull("requestId") && line.hasNonNull("correlationId"),
          "a log line without the ids: " + line);
    }
  }

  /** The JSON log lines the functions printed so far. */
  static List<JsonNode> functionLines() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Transcript.lines()) {
      int bar = line.indexOf("| {");
      if (bar > 0 && !line.startsWith("runner")) {
        out.add(JSON.readTree(line.substring(bar + 2)));
      }
    }
    return out;
  }
}
