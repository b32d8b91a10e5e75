package dev.whereabouts.shared.validation;

import dev.whereabouts.shared.problem.Problem;

/**
 * The API's rule for text fields: no control characters (U+0000–U+001F, U+007F–U+009F), except line
 * feed and tab where a field allows several lines. A NUL or an escape sequence stored in a name
 * would reach every client that shows it (terminals, logs, other services' parsers).
 */
public final class ControlCharacters {
  private ControlCharacters() {}

  /**
   * @throws Problem 400 naming {@code field} and the first control character, as U+XXXX
   */
  public static void refuse(String field, String value, boolean allowLineFeedAndTab) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean control = c <= 0x1F || (c >= 0x7F && c <= 0x9F);
      boolean allowed = allowLineFeedAndTab && (c == '\n' || c == '\t');
      if (control && !allowed) {
        throw Problem.badRequest(
            "'"
                + field
                + "' holds the control character U+"
                + String.format("%04X", (int) c)
                + (allowLineFeedAndTab
                    ? "; only line feed and tab are allowed."
                    : "; none are allowed."));
      }
    }
  }

  /**
   * The API's further rule for one-line display fields ({@code displayName}, {@code name}): no
   * bidirectional embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069), which make a
   * name read differently from what it holds, and no invisible U+200B, U+2060, U+FEFF, which make
   * two names look the same. The joiners U+200C and U+200D stay allowed (emoji sequences and some
   * scripts need them).
   *
   * @throws Problem 400 naming {@code field} and the first such character, as U+XXXX
   */
  public static void refuseInvisibleFormatting(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
      boolean invisible = c == 0x200B || c == 0x2060 || c == 0xFEFF;
      if (bidi || invisible) {
        throw Problem.badRequest(
            "'"
                + field
                + "' holds the "
                + (bidi ? "bidirectional formatting" : "invisible")
                + " character U+"
                + String.format("%04X", (int) c)
                + "; none are allowed.");
      }
    }
  }
}
