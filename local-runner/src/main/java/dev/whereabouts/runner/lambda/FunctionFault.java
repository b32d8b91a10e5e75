package dev.whereabouts.runner.lambda;

/**
 * A fault injected into one function's invocations, to watch the suite degrade and its alarms fire.
 *
 * @param failureRate the share of invocations (0 to 1) that fail as an unhandled error would
 * @param latencyMs time added to every invocation, counted in its duration (a slow dependency); an
 *     invocation that would pass the function's timeout times out, as in Lambda
 * @param garbageRate the share of invocations (0 to 1) that answer 200 with a body that is not JSON
 *     (a function answering garbage; the function does run, so its writes happen)
 */
public record FunctionFault(double failureRate, long latencyMs, double garbageRate) {
  /** No fault. */
  public static final FunctionFault NONE = new FunctionFault(0, 0, 0);

  /** The body of an answer replaced by garbage: starts like JSON, then is not. */
  public static final String GARBAGE = "{\"latitude\": <garbage injected by the local runner>";

  public FunctionFault(double failureRate, long latencyMs) {
    this(failureRate, latencyMs, 0);
  }

  /** The error type an injected failure reports. */
  public static final String ERROR_TYPE = "dev.whereabouts.runner.InjectedFault";

  public FunctionFault {
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new IllegalArgumentException("a failure rate is between 0 and 1, not " + failureRate);
    }
    if (!(garbageRate >= 0 && garbageRate <= 1)) {
      throw new IllegalArgumentException("a garbage rate is between 0 and 1, not " + garbageRate);
    }
    if (latencyMs < 0 || latencyMs > 900_000) {
      throw new IllegalArgumentException("latency is between 0 and 900000 ms, not " + latencyMs);
    }
  }

  /** Whether this is no fault at all. */
  public boolean none() {
    return failureRate == 0 && latencyMs == 0 && garbageRate == 0;
  }
}
