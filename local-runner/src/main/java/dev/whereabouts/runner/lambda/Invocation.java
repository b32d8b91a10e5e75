package dev.whereabouts.runner.lambda;

/**
 * The outcome of one invocation, as the Lambda service reports it to API Gateway.
 *
 * @param payload the handler's result as JSON (null unless {@link #succeeded()})
 * @param errorType the error's type (null on success), e.g. {@code java.lang.RuntimeException}
 * @param errorMessage the error's message, e.g. {@code Unauthorized} from an authorizer
 * @param timedOut whether the function ran past its Timeout and was cut off
 * @param durationMs how long the handler ran
 * @param initMs init duration when this invocation created its environment, else 0
 */
public record Invocation(
    String payload,
    String errorType,
    String errorMessage,
    boolean timedOut,
    double durationMs,
    double initMs) {

  /** Whether the handler returned normally. */
  public boolean succeeded() {
    return errorType == null && !timedOut;
  }

  /** Whether this invocation paid for a new execution environment. */
  public boolean coldStart() {
    return initMs > 0;
  }

  Invocation withInit(double init) {
    return new Invocation(payload, errorType, errorMessage, timedOut, durationMs, init);
  }
}
