package dev.whereabouts.shared.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.testing.Jackson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  private static Problem refused(String body) {
    return assertThrows(Problem.class, () -> Json.parseObject(body));
  }

  @Test
  void readsAnObject() {
    assertEquals("x", Json.parseObject("{\"a\":\"x\"}").text("a"));
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

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":\"\\ud800x\"}", "{\"a\":\"x\\udc00\"}", "{\"\\ud800\":1}"})
  void anEscapedUnpairedSurrogateIsRefusedNeverStoredAltered(String body) {
    Problem p = refused(body);
    assertEquals(400, p.status());
    assertTrue(p.detail().contains("unpaired surrogate"), p.detail());
  }

  @Test
  void anEscapedSurrogatePairIsOneCharacter() {
    assertEquals("\uD83D\uDE00", Json.parseObject("{\"a\":\"\\ud83d\\ude00\"}").text("a"));
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
  void readsEveryKindOfValueWithItsJavaType() {
    JsonObject read =
        Json.parseObject(
            "{\"s\":\"x\",\"i\":7,\"l\":9007199254740993,\"d\":52.52,\"t\":true,"
                + "\"n\":null,\"a\":[1,{\"b\":false}],\"o\":{}}");
    assertEquals("x", read.get("s"));
    assertEquals(7, read.get("i"));
    assertEquals(9_007_199_254_740_993L, read.get("l"));
    assertEquals(52.52, read.get("d"));
    assertEquals(Boolean.TRUE, read.get("t"));
    assertTrue(read.has("n"));
    assertNull(read.get("n"));
    assertEquals(List.of(1, Json.object().put("b", false)), read.get("a"));
    assertEquals(Json.object(), read.get("o"));
    assertEquals(List.of("s", "i", "l", "d", "t", "n", "a", "o"), List.copyOf(read.names()));
  }

  @Test
  void writeGivesDatabindsTextForEveryValueKindUsedHere() throws Exception {
    JsonObject tree = Json.object();
    tree.put("text", "é \" \\ \u0001 😀");
    tree.put("int", 7);
    tree.put("long", 9_007_199_254_740_993L);
    tree.put("double", 52.520008);
    tree.put("yes", true);
    tree.putNull("nothing");
    tree.put("list", List.of(1, "two", Json.object().put("three", 3.5)));
    tree.putObject("empty");

    ObjectNode same = Jackson.MAPPER.createObjectNode();
    same.put("text", "é \" \\ \u0001 😀");
    same.put("int", 7);
    same.put("long", 9_007_199_254_740_993L);
    same.put("double", 52.520008);
    same.put("yes", true);
    same.putNull("nothing");
    same.putArray("list").add(1).add("two").addObject().put("three", 3.5);
    same.putObject("empty");

    assertEquals(Jackson.MAPPER.writeValueAsString(same), Json.write(tree));
  }

  @Test
  void readRefusesTextAfterTheValue() {
    assertThrows(IOException.class, () -> Json.read("{} x".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IOException.class, () -> Json.read("{} {}".getBytes(StandardCharsets.UTF_8)));
  }
}
