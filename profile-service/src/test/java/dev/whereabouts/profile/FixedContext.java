package dev.whereabouts.profile;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda context whose invocation has a fixed time left. */
final class FixedContext implements Context {
  private final int remainingMillis;

  FixedContext(int remainingMillis) {
    this.remainingMillis = remainingMillis;
  }

  @Override
  public String getAwsRequestId() {
    return "3f1c7e2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/profile-test";
  }

  @Override
  public String getLogStreamName() {
    return "2026/11/23/[$LATEST]0123456789abcdef";
  }

  @Override
  public String getFunctionName() {
    return "profile-test";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:eu-central-1:123456789012:function:profile-test";
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
    return remainingMillis;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return null;
  }
}
