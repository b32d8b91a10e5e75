package dev.whereabouts.shared.http;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The correlation id rule: a client's {@code X-Correlation-Id} is kept when well-formed, else one
 * is made up. The authorizer makes it up first and hands it to the function in its context, so
 * every line of one request carries the same id.
 */
public final class CorrelationId {
  private static final Pattern FORM = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  private CorrelationId() {}

  /** {@code value} when it is a well-formed correlation id. */
  public static Optional<String> valid(Object value) {
    return value instanceof String s && FORM.matcher(s).matches()
        ? Optional.of(s)
        : Optional.empty();
  }

  /** A new correlation id, for a request that brought none (or a malformed one). */
  public static String fresh() {
    return UUID.randomUUID().toString();
  }
}
