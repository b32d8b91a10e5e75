package dev.whereabouts.runner.lambda;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One Lambda execution environment: the function's jar in a class loader of its own (no state
 * shared with other functions or other environments), one handler instance, one thread, one request
 * at a time.
 *
 * <p>Events go in and results come out as JSON, turned into the function's own event classes by the
 * same serializers the Lambda Java runtime uses ({@code aws-lambda-java-serialization}), so a
 * handler sees exactly what it would see on Lambda.
 */
final class ExecutionEnvironment implements AutoCloseable {
  private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
  private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FunctionConfig config;
  private final long generation;
  private final URLClassLoader loader;
  private final ExecutorService thread;
  private final Object handler;
  private final Method method;
  private final Class<?> inputType;
  private final Class<?> contextType;
  private final Class<?> loggerType;
  private final double initMs;
  private volatile boolean broken;

  /**
   * Creates the environment and runs the function's init (class loading and constructor).
   *
   * @param output where the function's log lines go, with the function name set on its thread
   * @throws FunctionInitException when the handler cannot be loaded or its constructor fails
   */
  ExecutionEnvironment(
      FunctionConfig config, long generation, int number, Consumer<Runnable> output)
      throws FunctionInitException {
    this.config = config;
    this.generation = generation;
    long start = System.nanoTime();
    try {
      this.loader =
          new URLClassLoader(
              config.name() + "#" + number,
              new URL[] {config.jar().toUri().toURL()},
              ClassLoader.getPlatformClassLoader());
    } catch (IOException e) {
      throw new FunctionInitException(config.name() + ": cannot read " + config.jar(), e);
    }
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(() -> output.accept(r), config.name() + "-env-" + number);
              t.setDaemon(true);
              t.setContextClassLoader(loader);
              return t;
            });
    try {
      Future<Object[]> init = thread.submit(this::initialize);
      Object[] loaded = init.get(Math.max(10, config.timeout().toSeconds() + 10), TimeUnit.SECONDS);
      this.handler = loaded[0];
      this.method = (Method) loaded[1];
      this.inputType = (Class<?>) loaded[2];
      this.contextType = (Class<?>) loaded[3];
      this.loggerType = (Class<?>) loaded[4];
    } catch (ExecutionException e) {
      close();
      Throwable cause =
          e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
      throw new FunctionInitException(
          config.name()
              + ": init failed: "
              + cause.getClass().getName()
              + ": "
              + cause.getMessage(),
          cause);
    } catch (TimeoutException | InterruptedException e) {
      close();
      throw new FunctionInitException(config.name() + ": init did not finish", e);
    }
    this.initMs = (System.nanoTime() - start) / 1e6;
  }

  private Object[] initialize() throws Exception {
    Class<?> type = Class.forName(config.handlerClass(), true, loader);
    Object instance;
    try {
      // Our handlers take their environment as a map: each environment gets the template's
      // variables without touching the runner's own process environment.
      instance = type.getConstructor(Map.class).newInstance(config.environment());
    } catch (NoSuchMethodException e) {
      instance = type.getConstructor().newInstance();
    }
    Class<?> context = Class.forName(CONTEXT, false, loader);
    Class<?> logger = Class.forName(LOGGER, false, loader);
    Method m = handlerMethod(type, context);
    return new Object[] {instance, m, inputType(type, m), context, logger};
  }

  private Method handlerMethod(Class<?> type, Class<?> context) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(config.handlerMethod())
          && !m.isBridge()
          && m.getParameterCount() == 2
          && m.getParameterTypes()[1] == context) {
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

  double initMs() {
    return initMs;
  }

  long generation() {
    return generation;
  }

  boolean broken() {
    return broken;
  }

  /**
   * Invokes the handler with an event given as JSON. A handler running past the function's timeout
   * is abandoned and the environment marked broken, as Lambda would end it.
   */
  Invocation invoke(String eventJson, String requestId) {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + config.timeout().toMillis();
    Future<String> call =
        thread.submit(
            () -> {
              Object input = deserialize(eventJson);
              Object output = method.invoke(handler, input, context(requestId, deadline));
              return serialize(output);
            });
    try {
      String payload = call.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return new Invocation(payload, null, null, false, elapsed(start), 0);
    } catch (TimeoutException e) {
      call.cancel(true);
      broken = true;
      return new Invocation(
          null,
          "Sandbox.Timedout",
          "Task timed out after " + config.timeout().toMillis() / 1000.0 + " seconds",
          true,
          elapsed(start),
          0);
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
      if (cause instanceof Error) {
        broken = true;
      }
      return new Invocation(
          null, cause.getClass().getName(), cause.getMessage(), false, elapsed(start), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      broken = true;
      return new Invocation(null, "Runner.Interrupted", "interrupted", false, elapsed(start), 0);
    }
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  @SuppressWarnings("unchecked")
  private Object deserialize(String json) {
    if (inputType == InputStream.class || inputType == String.class || inputType == Map.class) {
      throw new IllegalStateException("only typed event handlers are supported");
    }
    PojoSerializer<Object> serializer =
        (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(inputType, loader);
    return serializer.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @SuppressWarnings("unchecked")
  private String serialize(Object output) throws IOException {
    if (output == null) {
      return "null";
    }
    if (output instanceof Map<?, ?> map) {
      return JSON.writeValueAsString(map);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PojoSerializer<Object> serializer =
        (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(output.getClass(), loader);
    serializer.toJson(output, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private Object context(String requestId, long deadline) {
    Object logger =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {loggerType},
            (proxy, m, args) -> {
              if (m.getName().equals("log") && args != null && args.length >= 1) {
                if (args[0] instanceof byte[] bytes) {
                  System.out.write(bytes, 0, bytes.length);
                } else {
                  System.out.print(args[0]);
                }
                System.out.flush();
              }
              return null;
            });
    return Proxy.newProxyInstance(
        loader,
        new Class<?>[] {contextType},
        (proxy, m, args) ->
            switch (m.getName()) {
              case "getAwsRequestId" -> requestId;
              case "getFunctionName" -> config.name();
              case "getFunctionVersion" -> "$LATEST";
              case "getInvokedFunctionArn" ->
                  "arn:aws:lambda:"
                      + config.environment().getOrDefault("AWS_REGION", "us-east-1")
                      + ":000000000000:function:"
                      + config.name();
              case "getLogGroupName" -> "/aws/lambda/" + config.name();
              case "getLogStreamName" -> "local/" + UUID.randomUUID();
              case "getMemoryLimitInMB" -> config.memoryMb();
              case "getRemainingTimeInMillis" ->
                  (int) Math.max(0, deadline - System.currentTimeMillis());
              case "getLogger" -> logger;
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              case "toString" -> "LocalContext[" + config.name() + "]";
              default -> null;
            });
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      loader.close();
    } catch (IOException ignored) {
      // the jar stays open at worst
    }
  }
}
