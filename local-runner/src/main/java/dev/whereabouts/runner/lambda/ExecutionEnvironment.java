package dev.whereabouts.runner.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
 * <p>Events go in and results come out as JSON: a {@code RequestStreamHandler} gets the bytes and
 * writes its result's bytes; any other handler gets the event turned into its own event class by
 * the same serializers the Lambda Java runtime uses ({@code aws-lambda-java-serialization}). Either
 * way a handler sees exactly what it would see on Lambda.
 */
final class ExecutionEnvironment implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FunctionConfig config;
  private final FunctionCode code;
  private final ExecutorService thread;
  private final Object handler;
  private final double initMs;
  private volatile boolean broken;

  /**
   * Creates the environment and runs the function's init (its constructor) on the environment's own
   * thread.
   *
   * @param output wraps every task of the environment's thread (the runner routes the function's
   *     console output under its name with it)
   * @throws FunctionInitException when the constructor fails
   */
  ExecutionEnvironment(FunctionCode code, int number, Consumer<Runnable> output)
      throws FunctionInitException {
    this.config = code.config;
    this.code = code;
    TraceHeader.installProperty();
    long start = System.nanoTime();
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(() -> output.accept(r), config.name() + "-env-" + number);
              t.setDaemon(true);
              t.setContextClassLoader(code.loader);
              return t;
            });
    try {
      this.handler =
          thread
              .submit(this::construct)
              .get(Math.max(10, config.timeout().toSeconds() + 10), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      thread.shutdownNow();
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
      thread.shutdownNow();
      throw new FunctionInitException(config.name() + ": init did not finish", e);
    }
    this.initMs = (System.nanoTime() - start) / 1e6;
  }

  private Object construct() throws Exception {
    try {
      // Our handlers take their environment as a map: each function gets the template's
      // variables without touching the runner's own process environment.
      return code.handlerType.getConstructor(Map.class).newInstance(config.environment());
    } catch (NoSuchMethodException e) {
      return code.handlerType.getConstructor().newInstance();
    }
  }

  double initMs() {
    return initMs;
  }

  long generation() {
    return code.generation;
  }

  boolean broken() {
    return broken;
  }

  /**
   * Invokes the handler with an event given as JSON. A handler running past the function's timeout
   * is abandoned and the environment marked broken, as Lambda would end it.
   *
   * @param traceHeader the invocation's X-Ray header: {@code Context.getXrayTraceId()} and, on the
   *     environment's thread while it runs, the system property {@value TraceHeader#PROPERTY}
   */
  Invocation invoke(String eventJson, String requestId, String traceHeader) {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + config.timeout().toMillis();
    Future<String> call =
        thread.submit(
            () -> {
              TraceHeader.setCurrent(traceHeader);
              try {
                return run(eventJson, requestId, deadline, traceHeader);
              } finally {
                TraceHeader.setCurrent(null);
              }
            });
    try {
      String payload = call.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return new Invocation.Returned(payload, elapsed(start), 0);
    } catch (TimeoutException e) {
      call.cancel(true);
      broken = true;
      return new Invocation.TimedOut(
          "Task timed out after " + config.timeout().toMillis() / 1000.0 + " seconds",
          elapsed(start),
          0);
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
      if (cause instanceof Error) {
        broken = true;
      }
      return new Invocation.Failed(
          cause.getClass().getName(), cause.getMessage(), elapsed(start), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      broken = true;
      return new Invocation.Failed("Runner.Interrupted", "interrupted", elapsed(start), 0);
    }
  }

  private String run(String eventJson, String requestId, long deadline, String traceHeader)
      throws Exception {
    Object context = context(requestId, deadline, traceHeader);
    if (code.streaming) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      code.method.invoke(
          handler,
          new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)),
          out,
          context);
      return out.toString(StandardCharsets.UTF_8);
    }
    Object input =
        code.input().fromJson(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)));
    return serialize(code.method.invoke(handler, input, context));
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private String serialize(Object output) throws IOException {
    if (output == null) {
      return "null";
    }
    if (output instanceof Map<?, ?> map) {
      return JSON.writeValueAsString(map);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    code.output(output.getClass()).toJson(output, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The context's logger: the same for every invocation, so made once per environment. */
  private Object logger;

  private Object logger() {
    if (logger == null) {
      logger = newLogger();
    }
    return logger;
  }

  private Object newLogger() {
    return Proxy.newProxyInstance(
        code.loader,
        new Class<?>[] {code.loggerType},
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
  }

  private Object context(String requestId, long deadline, String traceHeader) {
    Object logger = logger();
    return Proxy.newProxyInstance(
        code.loader,
        new Class<?>[] {code.contextType},
        (proxy, m, args) ->
            switch (m.getName()) {
              case "getAwsRequestId" -> requestId;
              case "getXrayTraceId" -> traceHeader;
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
  }
}
