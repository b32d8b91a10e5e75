package dev.whereabouts.engine;

/** The engine could not be installed or started; the message is one line saying what to do. */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EngineException(String message) {
    super(message);
  }
}
