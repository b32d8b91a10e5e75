package dev.whereabouts.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

/**
 * One cold start, the way the Lambda Java runtime does it: load the handler class, construct it
 * (Lambda's init phase), invoke once, and for a {@code RequestHandler} turn the event JSON into the
 * handler's event type and the result back into JSON with the runtime's own serializers; a {@code
 * RequestStreamHandler} gets the bytes and writes bytes, as on Lambda.
 *
 * <p>Usage: {@code java -XX:TieredStopAtLevel=1 -cp harness:function.jar
 * dev.whereabouts.bench.ColdStart HANDLER_CLASS EVENT_JSON [WARM_REQUESTS]}. Prints one line:
 * {@code RESULT init_ms=… handler_ms=… runtime_ms=… outcome=…}. With {@code WARM_REQUESTS}, the
 * local stand-in for a request served right after a SnapStart restore: after init the handler's
 * SnapStart priming runs (when it has one), then the first request is timed, then that many more;
 * the line adds {@code prime_ms}, {@code first_ms} and {@code warm_p50_ms} (whole requests,
 * serialization included). In the event file, {@code ${RUN}} is replaced by a fresh id per request
 * so every request writes new items.
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: ColdStart HANDLER_CLASS EVENT_JSON [WARM_REQUESTS]");
      System.exit(2);
    }
    String template = Files.readString(Path.of(args[1]));
    int warm = args.length == 3 ? Integer.parseInt(args[2]) : 0;

    long initStart = System.nanoTime();
    Class<?> type = Class.forName(args[0]);
    Object handler = type.getDeclaredConstructor().newInstance();
    long initEnd = System.nanoTime();

    Invoker invoker = new Invoker(type, handler);
    if (warm > 0) {
      long primeStart = System.nanoTime();
      boolean primed = prime(type, handler);
      long primeEnd = System.nanoTime();
      byte[] firstEvent = event(template);
      mark("first request");
      Timed first = invoker.invoke(firstEvent);
      mark("first request done");
      double[] times = new double[warm];
      Timed last = first;
      for (int i = 0; i < warm; i++) {
        last = invoker.invoke(event(template));
        times[i] = last.totalMs();
      }
      Arrays.sort(times);
      System.out.printf(
          "RESULT init_ms=%.1f prime_ms=%s first_ms=%.2f warm_p50_ms=%.2f outcome=%s%n",
          (initEnd - initStart) / 1e6,
          primed ? String.format("%.1f", (primeEnd - primeStart) / 1e6) : "none",
          first.totalMs(),
          times[warm / 2],
          summary(last.outcome()));
      return;
    }

    Timed first = invoker.invoke(event(template));
    // init: what Lambda reports as Init Duration (less the runtime's own start-up);
    // handler: the function's first invocation; runtime: the runtime's event (de)serialization,
    // which a trivial handler pays too (zero for a stream handler: it reads its own bytes).
    System.out.printf(
        "RESULT init_ms=%.1f handler_ms=%.1f runtime_ms=%.1f outcome=%s%n",
        (initEnd - initStart) / 1e6,
        first.handlerMs(),
        first.runtimeMs(),
        summary(first.outcome()));
  }

  /**
   * A line on standard output between the priming's and the first request's, so that a {@code
   * -Xlog:class+load:stdout} log shows which classes the first request itself loads.
   */
  private static void mark(String what) {
    System.out.println("MARK " + what);
    System.out.flush();
  }

  private static byte[] event(String template) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return template.replace("${RUN}", run).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Runs the handler's SnapStart priming, as CRaC's beforeCheckpoint would; false if it has none.
   */
  private static boolean prime(Class<?> type, Object handler) throws Exception {
    Method priming;
    try {
      priming = type.getDeclaredMethod("priming");
    } catch (NoSuchMethodException e) {
      return false;
    }
    priming.setAccessible(true);
    Object resource = priming.invoke(handler);
    if (resource == null) {
      return false;
    }
    resource.getClass().getMethod("run").invoke(resource);
    return true;
  }

  /** One request's times: the runtime's (de)serialization and the handler's own. */
  private record Timed(double runtimeMs, double handlerMs, String outcome) {
    double totalMs() {
      return runtimeMs + handlerMs;
    }
  }

  /** Invokes a handler as the runtime would, by its kind. */
  private static final class Invoker {
    private final Object handler;
    private final boolean streaming;
    private final Method method;
    private final Class<?> eventType;

    Invoker(Class<?> type, Object handler) {
      this.handler = handler;
      this.streaming = RequestStreamHandler.class.isAssignableFrom(type);
      this.method = streaming ? null : handleRequest(type);
      this.eventType = streaming ? null : eventClass(type, method);
      // The harness's own classes (the context, its logger, the timing record) are loaded here,
      // not in the first timed request: Lambda's runtime has its own loaded long before.
      new BenchContext().getLogger();
      new Timed(0, 0, "").totalMs();
    }

    Timed invoke(byte[] event) throws Exception {
      if (streaming) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BenchContext context = new BenchContext();
        long start = System.nanoTime();
        String outcome;
        try {
          ((RequestStreamHandler) handler)
              .handleRequest(new ByteArrayInputStream(event), out, context);
          outcome = out.toString(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
          outcome = "error:" + e.getMessage();
        }
        double handlerMs = (System.nanoTime() - start) / 1e6;
        return new Timed(0, handlerMs, outcome);
      }
      long deserializeStart = System.nanoTime();
      Object input = deserialize(eventType, event);
      long handlerStart = System.nanoTime();
      long handlerEnd;
      String outcome;
      try {
        Object output = method.invoke(handler, input, new BenchContext());
        handlerEnd = System.nanoTime();
        outcome = serialize(output);
      } catch (java.lang.reflect.InvocationTargetException e) {
        handlerEnd = System.nanoTime();
        outcome = "error:" + e.getCause().getMessage();
      }
      long serializeEnd = System.nanoTime();
      return new Timed(
          ((handlerStart - deserializeStart) + (serializeEnd - handlerEnd)) / 1e6,
          (handlerEnd - handlerStart) / 1e6,
          outcome);
    }
  }

  private static Method handleRequest(Class<?> type) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals("handleRequest")
          && m.getParameterCount() == 2
          && !m.isBridge()
          && m.getParameterTypes()[1] == Context.class) {
        return m;
      }
    }
    throw new IllegalArgumentException(type + " has no handleRequest(event, Context)");
  }

  private static Class<?> eventClass(Class<?> type, Method method) {
    for (Type t : type.getGenericInterfaces()) {
      if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
        return c;
      }
    }
    return method.getParameterTypes()[0];
  }

  @SuppressWarnings("unchecked")
  private static Object deserialize(Class<?> eventType, byte[] json) {
    PojoSerializer<Object> serializer =
        (PojoSerializer<Object>)
            LambdaEventSerializers.serializerFor(eventType, ColdStart.class.getClassLoader());
    return serializer.fromJson(new ByteArrayInputStream(json));
  }

  @SuppressWarnings("unchecked")
  private static String serialize(Object output) {
    if (output == null) {
      return "null";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PojoSerializer<Object> serializer =
        LambdaEventSerializers.isLambdaSupportedEvent(output.getClass().getName())
            ? (PojoSerializer<Object>)
                LambdaEventSerializers.serializerFor(
                    output.getClass(), ColdStart.class.getClassLoader())
            : null;
    if (serializer == null) {
      return String.valueOf(output);
    }
    serializer.toJson(output, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String summary(String outcome) {
    int status = outcome.indexOf("\"statusCode\":");
    if (status >= 0) {
      return "status=" + outcome.substring(status + 13, Math.min(outcome.length(), status + 16));
    }
    return (outcome.length() > 60 ? outcome.substring(0, 60) : outcome).replaceAll("\\s", "_");
  }

  private static final class BenchContext implements Context {
    private final long deadline = System.currentTimeMillis() + 10_000;

    @Override
    public String getAwsRequestId() {
      return UUID.randomUUID().toString();
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/bench";
    }

    @Override
    public String getLogStreamName() {
      return "bench";
    }

    @Override
    public String getFunctionName() {
      return "bench";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:eu-central-1:123456789012:function:bench";
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
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.out.print(message);
        }

        @Override
        public void log(byte[] message) {
          System.out.write(message, 0, message.length);
        }
      };
    }
  }
}
