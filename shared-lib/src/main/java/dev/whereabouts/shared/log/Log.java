package dev.whereabouts.shared.log;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.Timestamps;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Writes the line to standard output. */
    public void write() {
      System.out.println(render());
    }

    String render() {
      StringWriter out = new StringWriter(256);
      try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("timestamp", Timestamps.format(Instant.now()));
        g.writeStringField("level", level);
        g.writeStringField("service", service);
        g.writeStringField("function", function);
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
