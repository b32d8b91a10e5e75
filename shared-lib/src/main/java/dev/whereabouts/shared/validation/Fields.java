package dev.whereabouts.shared.validation;

import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.problem.Problem;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict reading of one JSON object's fields: exact types, no coercion, lengths in code points,
 * unknown properties refused. Every failure is a 400 whose detail names the field.
 */
public final class Fields {
  /** The API's user id rule. */
  public static final Pattern USER_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{2,31}$");

  private final JsonObject object;

  private Fields(JsonObject object) {
    this.object = object;
  }

  /**
   * Wraps an object whose properties must all be in {@code allowed}.
   *
   * @throws Problem 400 naming the first unknown property
   */
  public static Fields of(JsonObject object, Set<String> allowed) {
    for (String name : object.names()) {
      if (!allowed.contains(name)) {
        throw Problem.badRequest("Unknown property '" + name + "'.");
      }
    }
    return new Fields(object);
  }

  /** A string property that must be present, with a length between min and max code points. */
  public String requiredString(String name, int min, int max) {
    Object node = object.get(name);
    if (node == null) {
      throw Problem.badRequest("'" + name + "' is required.");
    }
    return checkedString(name, node, min, max);
  }

  /** A string property that may be absent or null (then empty). */
  public Optional<String> optionalString(String name, int min, int max) {
    Object node = object.get(name);
    if (node == null) {
      return Optional.empty();
    }
    return Optional.of(checkedString(name, node, min, max));
  }

  /**
   * A one-line text property that must be present: a string of min to max code points without
   * control characters, bidirectional formatting or invisible characters ({@link
   * ControlCharacters}).
   */
  public String requiredText(String name, int min, int max) {
    String value = requiredString(name, min, max);
    ControlCharacters.refuse(name, value, false);
    ControlCharacters.refuseInvisibleFormatting(name, value);
    return value;
  }

  /** A one-line text property that may be absent or null; otherwise as {@link #requiredText}. */
  public Optional<String> optionalText(String name, int min, int max) {
    Optional<String> value = optionalString(name, min, max);
    value.ifPresent(v -> ControlCharacters.refuse(name, v, false));
    value.ifPresent(v -> ControlCharacters.refuseInvisibleFormatting(name, v));
    return value;
  }

  /** Like {@link #optionalText}, but line feed and tab are allowed (a text of several lines). */
  public Optional<String> optionalMultilineText(String name, int min, int max) {
    Optional<String> value = optionalString(name, min, max);
    value.ifPresent(v -> ControlCharacters.refuse(name, v, true));
    return value;
  }

  /** A finite number property that must be present and lie within [min, max]. */
  public double requiredNumber(String name, double min, double max) {
    Object node = object.get(name);
    if (node == null) {
      throw Problem.badRequest("'" + name + "' is required.");
    }
    if (!(node instanceof Number number)) {
      throw Problem.badRequest("'" + name + "' must be a number.");
    }
    double value = number.doubleValue();
    if (!Double.isFinite(value) || value < min || value > max) {
      throw Problem.badRequest(
          "'" + name + "' must be between " + plain(min) + " and " + plain(max) + ".");
    }
    return value;
  }

  /** A user id property, checked against {@link #USER_ID}. */
  public String requiredUserId(String name) {
    Object node = object.get(name);
    if (node == null) {
      throw Problem.badRequest("'" + name + "' is required.");
    }
    if (!(node instanceof String text)) {
      throw Problem.badRequest("'" + name + "' must be a string.");
    }
    return userId(name, text);
  }

  /**
   * Checks a user id taken from anywhere (path, body).
   *
   * @throws Problem 400 naming {@code field}
   */
  public static String userId(String field, String value) {
    if (value == null || !USER_ID.matcher(value).matches()) {
      throw Problem.badRequest(
          "'"
              + field
              + "' must be 3 to 32 characters of a-z, 0-9, '_' or '-', starting with a letter or"
              + " digit.");
    }
    return value;
  }

  private static String checkedString(String name, Object node, int min, int max) {
    if (!(node instanceof String value)) {
      throw Problem.badRequest("'" + name + "' must be a string.");
    }
    int length = value.codePointCount(0, value.length());
    if (length < min || length > max) {
      throw Problem.badRequest(
          "'"
              + name
              + "' must be "
              + min
              + " to "
              + max
              + " characters long (it has "
              + length
              + ").");
    }
    return value;
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
