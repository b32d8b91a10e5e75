package dev.whereabouts.runner.lambda;

/**
 * The outcome of one invocation, as the Lambda service reports it to API Gateway: the handler
 * {@link Returned returned} a payload, {@link Failed failed} with an error, or {@link TimedOut ran
 * past its Timeout} and was cut off.
 */
public sealed interface Invocation
    permits Invocation.Returned, Invocation.Failed, Invocation.TimedOut {

  /** How long the handler ran, in milliseconds. */
  double durationMs();

  /** Init duration when this invocation created its environment, else 0. */
  double initMs();

  /** Whether the handler returned normally. */
  default boolean succeeded() {
    return this instanceof Returned;
  }

  /** Whether this invocation paid for a new execution environment. */
  default boolean coldStart() {
    return initMs() > 0;
  }

  /** The same outcome, {@code delayMs} later (latency injected in front of the function). */
  Invocation delayedBy(double delayMs);

  /** The same outcome, as the one that created its environment in {@code initMs}. */
  Invocation withInit(double initMs);

  /**
   * The handler returned.
   *
   * @param payload the handler's result as JSON
   */
  record Returned(String payload, double durationMs, double initMs) implements Invocation {
    @Override
    public Returned delayedBy(double delayMs) {
      return new Returned(payload, durationMs + delayMs, initMs);
    }

    @Override
    public Returned withInit(double init) {
      return new Returned(payload, durationMs, init);
    }
  }

  /**
   * The handler threw, or the runner could not finish the call.
   *
   * @param errorType e.g. {@code java.lang.RuntimeException}
   * @param errorMessage e.g. {@code Unauthorized} from an authorizer
   */
  record Failed(String errorType, String errorMessage, double durationMs, double initMs)
      implements Invocation {
    @Override
    public Failed delayedBy(double delayMs) {
      return new Failed(errorType, errorMessage, durationMs + delayMs, initMs);
    }

    @Override
    public Failed withInit(double init) {
      return new Failed(errorType, errorMessage, durationMs, init);
    }
  }

  /**
   * The handler ran past the function's Timeout.
   *
   * @param errorMessage Lambda's {@code Task timed out after … seconds}
   */
  record TimedOut(String errorMessage, double durationMs, double initMs) implements Invocation {
    /** The error type Lambda reports for a timeout. */
    public static final String ERROR_TYPE = "Sandbox.Timedout";

    /** {@value #ERROR_TYPE}, as Lambda reports it. */
    public String errorType() {
      return ERROR_TYPE;
    }

    @Override
    public TimedOut delayedBy(double delayMs) {
      return new TimedOut(errorMessage, durationMs + delayMs, initMs);
    }

    @Override
    public TimedOut withInit(double init) {
      return new TimedOut(errorMessage, durationMs, init);
    }
  }
}
