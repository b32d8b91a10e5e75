package dev.whereabouts.shared.log;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.Timestamps;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structured logging: one JSON object per line on standard output, which Lambda sends to the
 * function's CloudWatch log group.
 *
 * <p>No logging framework: a line is a handful of fields, and SLF4J plus a backend would cost more
 * cold start than the whole of this class. Callers never pass passwords, tokens or hashes; the test
 * suite scans its own output to prove it.
 */
public final class Log {
  /** Frames kept per exception in a log line. */
  static final int MAX_FRAMES = 12;

  /** Lambda's application log levels, least severe first. */
  static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

  /** The least severe level written; Lambda's default, INFO, until {@link #configure}. */
  private static volatile int threshold = LEVELS.indexOf("INFO");

  /**
   * The X-Ray trace id of the invocation this thread runs. Per thread, not per process: Lambda runs
   * one invocation at a time per environment, but tests and the local runner run several handlers
   * in one JVM.
   */
  private static final ThreadLocal<String> TRACE_ID = new ThreadLocal<>();

  private static final ThreadLocal<String> TRACE_HEADER = new ThreadLocal<>();

  private static final Pattern ROOT = Pattern.compile("(?:^|;)\\s*Root=([0-9a-f-]{1,64})(?:;|$)");

  private final String service;
  private final String function;

  /**
   * @param service the service name ({@code auth}, {@code location}, {@code profile})
   * @param function the Lambda function name
   */
  public Log(String service, String function) {
    this.service = service;
    this.function = function;
  }

  /**
   * Sets the least severe level written from {@code AWS_LAMBDA_LOG_LEVEL}, which Lambda's advanced
   * logging controls set to the function's application log level (with {@code LogFormat: JSON}).
   * Unset, blank or unknown: INFO, Lambda's default. Called by each handler at init.
   */
  public static void configure(Environment env) {
    int level =
        env.optional("AWS_LAMBDA_LOG_LEVEL")
            .map(v -> LEVELS.indexOf(v.toUpperCase(Locale.ROOT)))
            .orElse(-1);
    threshold = level < 0 ? LEVELS.indexOf("INFO") : level;
  }

  /** Whether lines of {@code level} are written. */
  public static boolean enabled(String level) {
    return LEVELS.indexOf(level) >= threshold;
  }

  /**
   * Starts an invocation on this thread: its lines carry the {@code Root} of {@code traceHeader}
   * (an {@code X-Amzn-Trace-Id} value, as {@code Context.getXrayTraceId()} gives it) as {@code
   * traceId}; null clears it.
   */
  public static void traceInvocation(String traceHeader) {
    Matcher root = traceHeader == null ? null : ROOT.matcher(traceHeader);
    if (root != null && root.find()) {
      TRACE_ID.set(root.group(1));
      TRACE_HEADER.set(traceHeader);
    } else {
      TRACE_ID.remove();
      TRACE_HEADER.remove();
    }
  }

  /** The X-Ray header of the invocation this thread runs (to pass on downstream), or null. */
  public static String traceHeader() {
    return TRACE_HEADER.get();
  }

  /** The trace id of the invocation this thread runs, or null. */
  public static String traceId() {
    return TRACE_ID.get();
  }

  /** Starts a DEBUG line. */
  public Line debug(String message) {
    return new Line("DEBUG", message);
  }

  /** Starts an INFO line. */
  public Line info(String message) {
    return new Line("INFO", message);
  }

  /** Starts a WARN line. */
  public Line warn(String message) {
    return new Line("WARN", message);
  }

  /** Starts an ERROR line. */
  public Line error(String message) {
    return new Line("ERROR", message);
  }

  /** One log line being built; {@link #write()} prints it. */
  public final class Line {
    private final String level;
    private final String message;
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private Throwable error;

    private Line(String level, String message) {
      this.level = level;
      this.message = message;
    }

    /** Adds a field; null values are left out. */
    public Line with(String name, Object value) {
      if (value != null) {
        fields.put(name, value);
      }
      return this;
    }

    /** Attaches an exception: its type, message and stack trace go into the line. */
    public Line error(Throwable throwable) {
      this.error = throwable;
      return this;
    }

    /** Writes the line to standard output, unless its level is below the configured one. */
    public void write() {
      if (enabled(level)) {
        System.out.println(render());
      }
    }

    String render() {
      StringWriter out = new StringWriter(256);
      try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("timestamp", Timestamps.format(Instant.now()));
        g.writeStringField("level", level);
        g.writeStringField("service", service);
        g.writeStringField("function", function);
        String traceId = TRACE_ID.get();
        if (traceId != null) {
          g.writeStringField("traceId", traceId);
        }
        g.writeStringField("message", message);
        for (Map.Entry<String, Object> field : fields.entrySet()) {
          g.writeFieldName(field.getKey());
          writeValue(g, field.getValue());
        }
        if (error != null) {
          g.writeStringField("errorType", error.getClass().getName());
          g.writeStringField("errorMessage", String.valueOf(error.getMessage()));
          g.writeStringField("stackTrace", trace(error));
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    }

    /** The exception and its causes, each with its first frames: enough to find the line. */
    private String trace(Throwable error) {
      StringBuilder out = new StringBuilder();
      int depth = 0;
      for (Throwable t = error; t != null && depth < 4; t = t.getCause(), depth++) {
        out.append(depth == 0 ? "" : "Caused by: ").append(t).append('\n');
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(MAX_FRAMES, frames.length); i++) {
          out.append("\tat ").append(frames[i]).append('\n');
        }
        if (frames.length > MAX_FRAMES) {
          out.append("\t... ").append(frames.length - MAX_FRAMES).append(" more\n");
        }
      }
      return out.toString();
    }

    private void writeValue(JsonGenerator g, Object value) throws IOException {
      if (value instanceof Number n) {
        if (n instanceof Double d) {
          g.writeNumber(d);
        } else {
          g.writeNumber(n.longValue());
        }
      } else if (value instanceof Boolean b) {
        g.writeBoolean(b);
      } else {
        g.writeString(String.valueOf(value));
      }
    }
  }
}
