package dev.whereabouts.shared.validation;

import dev.whereabouts.shared.problem.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of request bodies: well-formed UTF-8 or a 400, never a silent repair.
 *
 * <p>Why not hand the bytes to Jackson: it guesses the encoding (UTF-16 and UTF-32 bodies are read
 * as such) and its UTF-8 reader lets overlong forms and encoded surrogates through as other
 * characters. The JDK's decoder set to REPORT refuses overlong forms, encoded surrogates, code
 * points above U+10FFFF and truncated sequences. A NUL byte is well-formed UTF-8 but can never
 * stand in JSON text (control characters in strings must be escaped), and it is what UTF-16 and
 * UTF-32 bodies of ASCII text are full of, so it is refused here with a message saying so.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * Decodes a request body.
   *
   * @throws Problem 400 naming the byte offset of the first malformed sequence
   */
  public static String decodeBody(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if (body[i] == 0) {
        throw Problem.badRequest(
            "The request body holds a NUL byte at offset "
                + i
                + "; it must be JSON in UTF-8 (not UTF-16 or UTF-32).");
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    try {
      return decoder.decode(in).toString();
    } catch (MalformedInputException e) {
      throw notUtf8(in.position());
    } catch (CharacterCodingException e) {
      throw notUtf8(in.position());
    }
  }

  private static Problem notUtf8(int offset) {
    return Problem.badRequest(
        "The request body is not well-formed UTF-8 (at or after byte "
            + offset
            + "); it must be JSON in UTF-8.");
  }
}
