package dev.whereabouts.shared.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.problem.Problem;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {
  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void wellFormedUtf8IsDecodedUnchangedAstralCharactersIncluded() {
    String text = "{\"bio\":\"Grüße 𝄞 東京\"}";
    assertEquals(text, Utf8.decodeBody(text.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7b 22 61 22 3a 22 c0 af 22 7d", // overlong '/', which a lenient reader turns into '/'
        "7b 22 61 22 3a 22 e0 80 af 22 7d", // three-byte overlong '/'
        "7b 22 61 22 3a 22 ed a0 80 22 7d", // an encoded lone high surrogate (U+D800)
        "7b 22 61 22 3a 22 ed b0 80 22 7d", // an encoded lone low surrogate (U+DC00)
        "7b 22 61 22 3a 22 f4 90 80 80 22 7d", // above U+10FFFF
        "7b 22 61 22 3a 22 e2 82 22 7d", // truncated sequence
        "7b 22 61 22 3a 22 ff 22 7d", // a byte UTF-8 never uses
        "fe ff 00 7b 00 7d" // UTF-16 BE with its byte order mark
      })
  void malformedUtf8IsA400NeverARepair(String bytes) {
    Problem p = assertThrows(Problem.class, () -> Utf8.decodeBody(hex(bytes)));
    assertEquals(400, p.status());
    assertTrue(p.detail().contains("UTF-8"), p.detail());
  }

  @ParameterizedTest
  @ValueSource(strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"})
  void utf16AndUtf32BodiesAreRefusedWithOrWithoutAByteOrderMark(String charset) {
    byte[] body = "{\"displayName\":\"Anna\"}".getBytes(Charset.forName(charset));
    Problem p = assertThrows(Problem.class, () -> Utf8.decodeBody(body));
    assertEquals(400, p.status());
  }
}
