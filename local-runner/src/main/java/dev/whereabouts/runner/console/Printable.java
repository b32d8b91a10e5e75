package dev.whereabouts.runner.console;

/**
 * Text made safe for a terminal: every C0 and C1 control character (U+0000–U+001F, U+007F,
 * U+0080–U+009F) written as its JSON escape ({@code \u001b}). A request line, a header or a
 * function's output can carry an escape sequence; printed raw it could recolour, move or clear the
 * user's terminal, or hide the lines before it.
 */
public final class Printable {
  private Printable() {}

  /** {@code text} with its control characters escaped (the same string when it has none). */
  public static String of(String text) {
    int i = 0;
    while (i < text.length() && !control(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (control(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean control(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }
}
