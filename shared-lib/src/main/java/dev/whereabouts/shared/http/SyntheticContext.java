package dev.whereabouts.shared.http;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;
import java.util.Optional;

/**
 * A Lambda {@link Context} for invocations Lambda does not make: SnapStart priming before the
 * snapshot, and tests. It names a function, has a fixed time left from its creation and no X-Ray
 * header unless given one.
 */
public final class SyntheticContext implements Context {
  /** Lambda's longest timeout: a synthetic invocation is never the one cut short. */
  public static final Duration LONGEST_TIMEOUT = Duration.ofMinutes(15);

  private final String functionName;
  private final String requestId;
  private final long deadlineMillis;
  private final Optional<String> traceHeader;

  private SyntheticContext(
      String functionName, String requestId, Duration timeLeft, Optional<String> traceHeader) {
    this.functionName = functionName;
    this.requestId = requestId;
    this.deadlineMillis = System.currentTimeMillis() + timeLeft.toMillis();
    this.traceHeader = traceHeader;
  }

  /** An invocation of {@code functionName} with {@link #LONGEST_TIMEOUT} left and no trace. */
  public static SyntheticContext of(String functionName) {
    return new SyntheticContext(functionName, "synthetic", LONGEST_TIMEOUT, Optional.empty());
  }

  /** The same invocation with {@code timeLeft} left from now. */
  public SyntheticContext withTimeLeft(Duration timeLeft) {
    return new SyntheticContext(functionName, requestId, timeLeft, traceHeader);
  }

  /** The same invocation carrying an X-Ray header. */
  public SyntheticContext withTraceHeader(String header) {
    return new SyntheticContext(
        functionName,
        requestId,
        Duration.ofMillis(getRemainingTimeInMillis()),
        Optional.of(header));
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "synthetic";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:eu-central-1:123456789012:function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return 1024;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {}

      @Override
      public void log(byte[] message) {}
    };
  }

  @Override
  public String getXrayTraceId() {
    return traceHeader.orElse(null);
  }
}
