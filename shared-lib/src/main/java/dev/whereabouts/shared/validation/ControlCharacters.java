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
}
