package dev.whereabouts.shared.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.problem.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlCharactersTest {
  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F})
  void oneLineTextRefusesEveryControlCharacter(int c) {
    Problem p =
        assertThrows(
            Problem.class, () -> ControlCharacters.refuse("name", "a" + (char) c + "b", false));
    assertEquals(400, p.status());
    assertTrue(p.detail().contains("'name'"), p.detail());
    assertTrue(p.detail().contains(String.format("U+%04X", c)), p.detail());
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x0D, 0x0B, 0x1B, 0x7F, 0x85})
  void multilineTextRefusesControlCharactersOtherThanLineFeedAndTab(int c) {
    assertThrows(Problem.class, () -> ControlCharacters.refuse("bio", "a" + (char) c + "b", true));
  }

  @Test
  void multilineTextKeepsLineFeedAndTab() {
    assertDoesNotThrow(() -> ControlCharacters.refuse("bio", "line one\n\tline two", true));
  }

  @Test
  void printableTextAroundTheControlRangesPasses() {
    assertDoesNotThrow(() -> ControlCharacters.refuse("name", " ~\u00A0é𝄞\u2028", false));
  }
}
