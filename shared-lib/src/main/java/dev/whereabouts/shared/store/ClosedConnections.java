package dev.whereabouts.shared.store;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Asks for {@code Connection: close} on every call of the client that carries it ({@link
 * Aws#dynamoDbForSnapshot}), so that work done before a SnapStart snapshot leaves no connection in
 * the JDK's keep-alive pool to be captured and found dead after a restore.
 */
final class ClosedConnections implements ExecutionInterceptor {
  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    return context.httpRequest().toBuilder().putHeader("Connection", "close").build();
  }
}
