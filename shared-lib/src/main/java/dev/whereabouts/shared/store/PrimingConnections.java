package dev.whereabouts.shared.store;

import dev.whereabouts.shared.snapstart.Priming;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Asks for {@code Connection: close} on every DynamoDB call made while SnapStart priming runs, so
 * that priming can drive a function's real request path (its own reads, as a user's request sends
 * them) and still leave no connection in the JDK's keep-alive pool to be captured in the snapshot
 * and found dead after a restore. Outside priming it changes nothing.
 */
final class PrimingConnections implements ExecutionInterceptor {
  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    return Priming.running()
        ? request.toBuilder().putHeader("Connection", "close").build()
        : request;
  }
}
