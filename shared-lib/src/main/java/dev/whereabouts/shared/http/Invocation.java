package dev.whereabouts.shared.http;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a function takes from Lambda's {@link Context} for one invocation, read once at the handler
 * boundary and handed down: nothing below reads the context or a global for it.
 *
 * @param functionName the function's name, for the log lines
 * @param traceHeader the invocation's X-Ray header ({@code X-Amzn-Trace-Id}), if any
 * @param deadline when Lambda ends the invocation
 */
public record Invocation(String functionName, Optional<String> traceHeader, Deadline deadline) {
  /** The system property the Lambda Java runtime sets to the trace header before each event. */
  static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";

  /**
   * The invocation Lambda describes in {@code context}. The trace header is the context's, else the
   * one the runtime put in {@value #TRACE_HEADER_PROPERTY} for this event (a process's environment
   * cannot change, so {@code _X_AMZN_TRACE_ID} is no per-invocation source in Java).
   */
  public static Invocation of(Context context) {
    Objects.requireNonNull(context, "Lambda always passes a Context; use SyntheticContext outside");
    return new Invocation(
        context.getFunctionName(),
        Optional.ofNullable(context.getXrayTraceId())
            .or(() -> Optional.ofNullable(System.getProperty(TRACE_HEADER_PROPERTY))),
        Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis())));
  }
}
