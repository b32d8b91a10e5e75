package dev.whereabouts.shared.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.shared.http.Problem;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  private static Problem refused(String body) {
    return assertThrows(
        Problem.class, () -> Json.parseObject(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsAnObject() {
    assertEquals(
        "x", Json.parseObject("{\"a\":\"x\"}".getBytes(StandardCharsets.UTF_8)).get("a").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "{", "{\"a\":}", "{\"a\":1} {}", "{\"a\":NaN}", "{\"a\":01}", "[1]", "\"x\""})
  void malformedOrNonObjectBodiesAreBadRequests(String body) {
    Problem p = refused(body);
    assertEquals(400, p.status());
    assertFalse(p.detail().contains("com.fasterxml"), p.detail());
    assertFalse(p.detail().contains("Exception"), p.detail());
  }

  @Test
  void syntaxErrorsSayWhere() {
    assertTrue(refused("{\"a\": x}").detail().contains("line 1, column"));
  }

  @Test
  void duplicatePropertiesAreNamed() {
    assertTrue(refused("{\"latitude\":1,\"latitude\":2}").detail().contains("'latitude'"));
  }

  @Test
  void deepNestingIsRefusedBeforeItCostsAnything() {
    String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertTrue(refused(deep).detail().contains("nests deeper"));
  }

  @Test
  void timestampsHaveMillisecondsAndZ() {
    assertEquals(
        "2026-11-23T10:15:30.000Z", Timestamps.format(Instant.parse("2026-11-23T10:15:30Z")));
    assertEquals(
        "2026-11-23T10:15:30.123Z",
        Timestamps.format(Instant.parse("2026-11-23T10:15:30.123456Z")));
  }

  @Test
  void writeGivesTheMappersTextForEveryNodeTypeUsedHere() throws Exception {
    ObjectNode tree = Json.object();
    tree.put("text", "é \" \\ \u0001 😀");
    tree.put("int", 7);
    tree.put("long", 9_007_199_254_740_993L);
    tree.put("double", 52.520008);
    tree.put("decimal", new BigDecimal("13.40"));
    tree.put("yes", true);
    tree.putNull("nothing");
    tree.putArray("list").add(1).add("two").addObject().put("three", 3.5);
    tree.putObject("empty");

    assertEquals(Json.MAPPER.writeValueAsString(tree), Json.write(tree));
  }
}
