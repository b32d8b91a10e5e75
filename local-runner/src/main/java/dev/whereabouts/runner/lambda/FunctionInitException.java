package dev.whereabouts.runner.lambda;

/** A function's environment could not be created: its jar, class or constructor failed. */
public final class FunctionInitException extends Exception {
  private static final long serialVersionUID = 1L;

  public FunctionInitException(String message, Throwable cause) {
    super(message, cause);
  }
}
