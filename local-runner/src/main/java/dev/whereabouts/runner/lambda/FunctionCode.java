package dev.whereabouts.runner.lambda;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One build of a function, loaded in a class loader of its own: no class of ours or its static
 * state is shared with any other function (or with another build of the same function, under {@code
 * --watch}). Its execution environments are instances of the handler made from these classes.
 */
final class FunctionCode implements AutoCloseable {
  private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
  private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";
  private static final String STREAM_HANDLER =
      "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

  final FunctionConfig config;
  final long generation;
  final URLClassLoader loader;
  final Class<?> handlerType;
  final Method method;
  final Class<?> inputType;
  final Class<?> contextType;
  final Class<?> loggerType;

  /**
   * Whether the handler is a {@code RequestStreamHandler}: it gets the event's bytes and writes its
   * result's bytes, and no serializer of the runtime's is involved, as on Lambda.
   */
  final boolean streaming;

  private final PojoSerializer<Object> input;
  private final Map<Class<?>, PojoSerializer<Object>> outputs = new ConcurrentHashMap<>();

  /**
   * @param loader the build's own class loader: the jar alone, or classes compiled from source over
   *     the jar's dependencies (see {@link CompiledClassLoader}); closed with this build
   */
  @SuppressWarnings("unchecked")
  FunctionCode(FunctionConfig config, long generation, URLClassLoader loader)
      throws FunctionInitException {
    this.config = config;
    this.generation = generation;
    this.loader = loader;
    try {
      this.handlerType = Class.forName(config.handlerClass(), false, loader);
      this.contextType = Class.forName(CONTEXT, false, loader);
      this.loggerType = Class.forName(LOGGER, false, loader);
      this.streaming = streamHandler();
      this.method = streaming ? streamMethod() : handlerMethod();
      this.inputType = streaming ? byte[].class : inputType(handlerType, method);
      this.input =
          streaming
              ? null
              : (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(inputType, loader);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      close();
      throw new FunctionInitException(
          config.name() + ": cannot load " + config.handler() + " from " + config.jar() + ": " + e,
          e);
    }
  }

  private boolean streamHandler() {
    try {
      return Class.forName(STREAM_HANDLER, false, loader).isAssignableFrom(handlerType);
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private Method streamMethod() throws NoSuchMethodException {
    return handlerType.getMethod(
        config.handlerMethod(), InputStream.class, OutputStream.class, contextType);
  }

  private Method handlerMethod() {
    for (Method m : handlerType.getMethods()) {
      if (m.getName().equals(config.handlerMethod())
          && !m.isBridge()
          && m.getParameterCount() == 2
          && m.getParameterTypes()[1] == contextType) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        config.handlerClass() + " has no method " + config.handlerMethod() + "(event, Context)");
  }

  private static Class<?> inputType(Class<?> type, Method method) {
    for (Type t : type.getGenericInterfaces()) {
      if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
        return c;
      }
    }
    return method.getParameterTypes()[0];
  }

  /** The serializer the Lambda Java runtime would use for this handler's event type. */
  PojoSerializer<Object> input() {
    return input;
  }

  /**
   * The serializer the runtime would use for a result of this type, built once per type (building
   * one costs milliseconds; the runtime, too, builds its serializer once).
   */
  @SuppressWarnings("unchecked")
  PojoSerializer<Object> output(Class<?> type) {
    return outputs.computeIfAbsent(
        type, t -> (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(t, loader));
  }

  @Override
  public void close() {
    try {
      loader.close();
    } catch (IOException ignored) {
      // the jar stays open at worst
    }
  }
}
