package dev.whereabouts.shared.http;

import dev.whereabouts.shared.problem.Problem;
import java.util.Locale;

/**
 * The API's rule for a request body's {@code Content-Type}: {@code application/json}, with at most
 * one {@code charset} parameter, and that one {@code utf-8}; anything else is a 415.
 *
 * <p>Why "at most one": a second {@code charset} makes the header mean two things, and the two
 * readers of it (the gateway's validation, the function) could each pick a different one.
 */
public final class JsonMediaType {
  private JsonMediaType() {}

  /**
   * @param contentType the header's value as the function received it, or null
   * @throws Problem 415 saying what is wrong
   */
  public static void require(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      throw Problem.unsupportedMediaType(
          "A request body needs 'Content-Type: application/json'; none was sent.");
    }
    String[] parts = contentType.split(";", -1);
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      throw Problem.unsupportedMediaType(
          "The body must be sent as 'application/json', not '" + printable(contentType) + "'.");
    }
    int charsets = 0;
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      int eq = parameter.indexOf('=');
      String name = (eq < 0 ? parameter : parameter.substring(0, eq)).trim();
      if (!name.equalsIgnoreCase("charset")) {
        continue;
      }
      charsets++;
      String value = eq < 0 ? "" : unquote(parameter.substring(eq + 1).trim());
      if (!value.toLowerCase(Locale.ROOT).equals("utf-8")) {
        throw Problem.unsupportedMediaType(
            "The body must be UTF-8; charset '" + printable(value) + "' is not accepted.");
      }
    }
    if (charsets > 1) {
      throw Problem.unsupportedMediaType(
          "'Content-Type' names a charset " + charsets + " times; send it once, as utf-8.");
    }
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static String printable(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return cut.replaceAll("[^\\x20-\\x7E…]", "?");
  }
}
