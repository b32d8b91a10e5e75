package dev.whereabouts.shared.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.shared.http.ProxyEvent;
import dev.whereabouts.shared.http.SyntheticContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Invokes a stream handler the way Lambda does: the event goes in as the JSON bytes API Gateway
 * sends, the result comes back as bytes. Events are written, and results read, with the Lambda
 * runtime's own event serializers, so a test's event has exactly API Gateway's field names and a
 * handler's answer is read as API Gateway would read it.
 */
public final class StreamInvocations {
  private static final PojoSerializer<APIGatewayProxyRequestEvent> REQUESTS =
      LambdaEventSerializers.serializerFor(
          APIGatewayProxyRequestEvent.class, StreamInvocations.class.getClassLoader());
  private static final PojoSerializer<APIGatewayProxyResponseEvent> RESPONSES =
      LambdaEventSerializers.serializerFor(
          APIGatewayProxyResponseEvent.class, StreamInvocations.class.getClassLoader());
  private static final PojoSerializer<APIGatewayCustomAuthorizerEvent> AUTHORIZER_EVENTS =
      LambdaEventSerializers.serializerFor(
          APIGatewayCustomAuthorizerEvent.class, StreamInvocations.class.getClassLoader());
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamInvocations() {}

  /** The event as the bytes Lambda hands a stream handler. */
  public static byte[] bytes(APIGatewayProxyRequestEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    REQUESTS.toJson(event, out);
    return out.toByteArray();
  }

  /** The event as the bytes Lambda hands a stream handler. */
  public static byte[] bytes(APIGatewayCustomAuthorizerEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AUTHORIZER_EVENTS.toJson(event, out);
    return out.toByteArray();
  }

  /** The event as an HTTP function reads it from its bytes. */
  public static ProxyEvent proxyEvent(APIGatewayProxyRequestEvent event) {
    try {
      return ProxyEvent.read(bytes(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Invokes an HTTP function as Lambda would, in a synthetic invocation, and reads its answer. */
  public static APIGatewayProxyResponseEvent call(
      RequestStreamHandler handler, APIGatewayProxyRequestEvent event) {
    return call(handler, event, SyntheticContext.of("test"));
  }

  /** Invokes an authorizer in a synthetic invocation and reads its answer (the policy) as a map. */
  public static Map<String, Object> authorize(
      RequestStreamHandler handler, APIGatewayCustomAuthorizerEvent event) {
    return authorize(handler, event, SyntheticContext.of("test"));
  }

  /** Invokes an HTTP function with a proxy event and reads its proxy response. */
  public static APIGatewayProxyResponseEvent call(
      RequestStreamHandler handler, APIGatewayProxyRequestEvent event, Context context) {
    return RESPONSES.fromJson(new ByteArrayInputStream(invoke(handler, bytes(event), context)));
  }

  /** Invokes an authorizer and reads its answer (the policy) as a map. */
  public static Map<String, Object> authorize(
      RequestStreamHandler handler, APIGatewayCustomAuthorizerEvent event, Context context) {
    try {
      return JSON.readValue(
          invoke(handler, bytes(event), context), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Invokes a stream handler with raw event bytes and returns the bytes it wrote. */
  public static byte[] invoke(RequestStreamHandler handler, byte[] event, Context context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
