package dev.whereabouts.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
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
import java.util.UUID;

/**
 * One cold start, the way the Lambda Java runtime does it: load the handler class, construct it
 * (Lambda's init phase), turn the event JSON into the handler's event type with the runtime's own
 * serializers, invoke once, serialize the result.
 *
 * <p>Usage: {@code java -XX:TieredStopAtLevel=1 -cp harness:function.jar
 * dev.whereabouts.bench.ColdStart HANDLER_CLASS EVENT_JSON}. Prints one line: {@code init_ms=…
 * invoke_ms=… outcome=…}. In the event file, {@code ${RUN}} is replaced by a fresh id so every run
 * writes new items.
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ColdStart HANDLER_CLASS EVENT_JSON");
      System.exit(2);
    }
    String run = UUID.randomUUID().toString().substring(0, 8);
    byte[] event =
        Files.readString(Path.of(args[1])).replace("${RUN}", run).getBytes(StandardCharsets.UTF_8);

    long initStart = System.nanoTime();
    Class<?> type = Class.forName(args[0]);
    Object handler = type.getDeclaredConstructor().newInstance();
    long initEnd = System.nanoTime();

    Method method = handleRequest(type);
    Class<?> eventType = eventClass(type, method);
    String outcome;
    long deserializeStart = System.nanoTime();
    Object input = deserialize(eventType, event);
    long handlerStart = System.nanoTime();
    long handlerEnd;
    try {
      Object output = method.invoke(handler, input, new BenchContext());
      handlerEnd = System.nanoTime();
      outcome = serialize(output);
    } catch (java.lang.reflect.InvocationTargetException e) {
      handlerEnd = System.nanoTime();
      outcome = "error:" + e.getCause().getMessage();
    }
    long serializeEnd = System.nanoTime();

    // init: what Lambda reports as Init Duration (less the runtime's own start-up);
    // handler: the function's first invocation; runtime: the runtime's event (de)serialization,
    // which a trivial handler pays too.
    System.out.printf(
        "RESULT init_ms=%.1f handler_ms=%.1f runtime_ms=%.1f outcome=%s%n",
        (initEnd - initStart) / 1e6,
        (handlerEnd - handlerStart) / 1e6,
        ((handlerStart - deserializeStart) + (serializeEnd - handlerEnd)) / 1e6,
        summary(outcome));
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
    return outcome.length() > 60 ? outcome.substring(0, 60) : outcome.replace(' ', '_');
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
