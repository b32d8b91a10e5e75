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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structured logging: one JSON object per line on standard output, which Lambda sends to the
 * function's CloudWatch log group (or on another {@link Output}).
 *
 * <p>No logging framework: a line is a handful of fields, and SLF4J plus a backend would cost more
 * cold start than the whole of this class. Callers never pass passwords, tokens or hashes; the test
 * suite scans its own output to prove it.
 */
public final class Log {
  /** Frames kept per exception in a log line. */
  static final int MAX_FRAMES = 12;

  private static final Pattern ROOT = Pattern.compile("(?:^|;)\\s*Root=([0-9a-f-]{1,64})(?:;|$)");

  /** Where a log's lines go, one JSON object per line. */
  @FunctionalInterface
  public interface Output {
    /** Standard output as it is when a line is written: on Lambda, the function's log. */
    Output STANDARD = line -> System.out.println(line);

    /** Nowhere: for work whose lines nobody may read (SnapStart priming). */
    Output DISCARD = line -> {};

    /** Writes one line. */
    void line(String line);
  }

  /** Lambda's application log levels, least severe first. */
  public enum Level {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    FATAL;

    /**
     * The environment variable Lambda's advanced logging controls set to the function's application
     * log level (with {@code LogFormat: JSON}).
     */
    public static final String VARIABLE = "AWS_LAMBDA_LOG_LEVEL";

    /**
     * The least severe level a function writes: {@value #VARIABLE}, in any case; unset, blank or
     * unknown: INFO, Lambda's default.
     */
    public static Level of(Environment env) {
      String name = env.optional(VARIABLE).map(v -> v.toUpperCase(Locale.ROOT)).orElse("");
      for (Level level : values()) {
        if (level.name().equals(name)) {
          return level;
        }
      }
      return INFO;
    }
  }

  private final String service;
  private final String function;
  private final Output output;
  private final Level threshold;
  private final Optional<String> traceId;

  /**
   * A log whose lines carry no trace id.
   *
   * @param service the service name ({@code auth}, {@code location}, {@code profile})
   * @param function the Lambda function name
   * @param output where the lines go
   * @param threshold the least severe level written ({@link Level#of})
   */
  public Log(String service, String function, Output output, Level threshold) {
    this(service, function, output, threshold, Optional.empty());
  }

  private Log(
      String service, String function, Output output, Level threshold, Optional<String> traceId) {
    this.service = service;
    this.function = function;
    this.output = output;
    this.threshold = threshold;
    this.traceId = traceId;
  }

  /**
   * This log for one invocation: its lines carry the {@code Root} of {@code traceHeader} (an {@code
   * X-Amzn-Trace-Id} value, as {@code Context.getXrayTraceId()} gives it) as {@code traceId}; none
   * when there is no header or it has no {@code Root}.
   */
  public Log traced(Optional<String> traceHeader) {
    return new Log(service, function, output, threshold, traceHeader.flatMap(Log::traceRoot));
  }

  /** The {@code Root} of an X-Ray trace header, if it has one. */
  static Optional<String> traceRoot(String traceHeader) {
    Matcher root = ROOT.matcher(traceHeader);
    return root.find() ? Optional.of(root.group(1)) : Optional.empty();
  }

  /** Where this log's lines go. */
  public Output output() {
    return output;
  }

  /** Whether this log writes lines of {@code level}. */
  public boolean enabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  /** Starts a DEBUG line. */
  public Line debug(String message) {
    return new Line(Level.DEBUG, message);
  }

  /** Starts an INFO line. */
  public Line info(String message) {
    return new Line(Level.INFO, message);
  }

  /** Starts a WARN line. */
  public Line warn(String message) {
    return new Line(Level.WARN, message);
  }

  /** Starts an ERROR line. */
  public Line error(String message) {
    return new Line(Level.ERROR, message);
  }

  /** One log line being built; {@link #write()} prints it. */
  public final class Line {
    private final Level level;
    private final String message;
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private Throwable error;

    private Line(Level level, String message) {
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

    /** Adds a field when the value is present. */
    public Line with(String name, Optional<?> value) {
      return with(name, value.orElse(null));
    }

    /** Attaches an exception: its type, message and stack trace go into the line. */
    public Line error(Throwable throwable) {
      this.error = throwable;
      return this;
    }

    /** Writes the line to the log's output, unless its level is below the log's threshold. */
    public void write() {
      if (enabled(level)) {
        output.line(render());
      }
    }

    String render() {
      StringWriter out = new StringWriter(256);
      try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("timestamp", Timestamps.format(Instant.now()));
        g.writeStringField("level", level.name());
        g.writeStringField("service", service);
        g.writeStringField("function", function);
        if (traceId.isPresent()) {
          g.writeStringField("traceId", traceId.get());
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
