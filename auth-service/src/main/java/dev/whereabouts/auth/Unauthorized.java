package dev.whereabouts.auth;

/**
 * How a Lambda authorizer denies a request: API Gateway answers 401 when the function fails with
 * exactly the message {@code Unauthorized}. An answer, not a bug, so it carries no stack trace.
 */
public final class Unauthorized extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The message API Gateway looks for. */
  public static final String MESSAGE = "Unauthorized";

  public Unauthorized() {
    super(MESSAGE, null, false, false);
  }
}
