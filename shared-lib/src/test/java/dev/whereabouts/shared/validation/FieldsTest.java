package dev.whereabouts.shared.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.problem.Problem;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldsTest {
  private static Fields fields(String json, String... allowed) {
    return Fields.of(Json.parseObject(json), Set.of(allowed));
  }

  @Test
  void unknownPropertiesAreRefusedByName() {
    Problem p = assertThrows(Problem.class, () -> fields("{\"name\":\"a\",\"evil\":1}", "name"));
    assertTrue(p.detail().contains("'evil'"));
  }

  @Test
  void wrongTypesAreNotCoerced() {
    Problem p =
        assertThrows(
            Problem.class,
            () ->
                fields("{\"latitude\":\"48.1\"}", "latitude").requiredNumber("latitude", -90, 90));
    assertEquals("'latitude' must be a number.", p.detail());
    Problem q =
        assertThrows(
            Problem.class, () -> fields("{\"name\":5}", "name").requiredString("name", 1, 9));
    assertEquals("'name' must be a string.", q.detail());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u202E", "\u202A", "\u2066", "\u2069", "\u200B", "\u2060", "\uFEFF"})
  void displayFieldsRefuseBidiOverridesAndInvisibleCharacters(String c) {
    String json = "{\"name\":\"ab" + c + "cd\"}";
    Problem required =
        assertThrows(Problem.class, () -> fields(json, "name").requiredText("name", 1, 50));
    assertEquals(400, required.status());
    assertTrue(required.detail().contains(String.format("U+%04X", (int) c.charAt(0))));
    assertThrows(Problem.class, () -> fields(json, "name").optionalText("name", 1, 50));
  }

  @Test
  void displayFieldsKeepTheJoinersThatEmojiAndScriptsNeed() {
    String family = "\uD83D\uDC69\u200D\uD83D\uDC67";
    assertEquals(
        family, fields("{\"name\":\"" + family + "\"}", "name").requiredText("name", 1, 50));
    assertEquals("a\u200Cb", fields("{\"name\":\"a\u200Cb\"}", "name").requiredText("name", 1, 50));
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    Problem p =
        assertThrows(Problem.class, () -> fields("{}", "name").requiredString("name", 1, 9));
    assertEquals("'name' is required.", p.detail());
  }

  @Test
  void lengthsCountCodePointsNotUtf16Units() {
    String fourEmoji = "😀😀😀😀";
    assertEquals(8, fourEmoji.length());
    assertEquals(fourEmoji, fields("{\"n\":\"" + fourEmoji + "\"}", "n").requiredString("n", 1, 4));
    assertThrows(
        Problem.class,
        () -> fields("{\"n\":\"" + fourEmoji + "\"}", "n").requiredString("n", 1, 3));
  }

  @Test
  void nullOptionalIsAbsent() {
    assertEquals(Optional.empty(), fields("{\"bio\":null}", "bio").optionalString("bio", 0, 5));
  }

  @Test
  void numbersOutsideTheirRangeAreRefused() {
    assertThrows(Problem.class, () -> fields("{\"l\":90.0001}", "l").requiredNumber("l", -90, 90));
    assertThrows(Problem.class, () -> fields("{\"l\":1e400}", "l").requiredNumber("l", -90, 90));
    assertEquals(-90, fields("{\"l\":-90}", "l").requiredNumber("l", -90, 90));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ab",
        "Michael",
        "-abc",
        "_abc",
        "abcdefghijabcdefghijabcdefghijabc",
        "mi chael",
        "mïchael"
      })
  void badUserIdsAreRefused(String id) {
    assertThrows(Problem.class, () -> Fields.userId("userId", id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "michael", "0x_-9", "a23456789012345678901234567890bc"})
  void goodUserIdsPass(String id) {
    assertEquals(id, Fields.userId("userId", id));
  }
}
