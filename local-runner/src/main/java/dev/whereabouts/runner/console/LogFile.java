package dev.whereabouts.runner.console;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * Every line the console prints, also written as one JSON object per line to {@code
 * DIR/runner.jsonl}, in a {@link PrivateFolder} (0700, files 0600, no link followed): {@code time},
 * {@code source} (a function's name or {@code runner}), the line's {@code requestId}, {@code
 * correlationId}, {@code traceId} and {@code level} when the function logged JSON, and the line
 * itself ({@code record} when JSON, else {@code message}). When the file passes {@code maxBytes} it
 * becomes {@code runner.1.jsonl} (the older ones shift up to {@code runner.KEEP.jsonl}, the oldest
 * is dropped) and a new file starts.
 */
public final class LogFile implements AutoCloseable {
  /** Rotated files kept besides the current one. */
  public static final int KEEP = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final long maxBytes;
  private final Clock clock;
  private OutputStream out;
  private long size;

  public LogFile(Path dir, long maxBytes, Clock clock) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.clock = clock;
    PrivateFolder.create(dir);
    open();
  }

  /** The current file. */
  public static Path current(Path dir) {
    return dir.resolve("runner.jsonl");
  }

  /** The files, oldest first, the current one last. */
  public static java.util.List<Path> files(Path dir) {
    java.util.List<Path> out = new java.util.ArrayList<>();
    for (int i = KEEP; i >= 1; i--) {
      Path p = dir.resolve("runner." + i + ".jsonl");
      if (PrivateFolder.isFile(p)) {
        out.add(p);
      }
    }
    if (PrivateFolder.isFile(current(dir))) {
      out.add(current(dir));
    }
    return out;
  }

  private void open() throws IOException {
    Path file = current(dir);
    out = PrivateFolder.append(file);
    size = Files.size(file);
  }

  /** Writes one console line of {@code source}. */
  public void write(String source, String line) {
    write(source, line, null);
  }

  /**
   * Writes one console line of {@code source}; {@code traceId} (null for none) is the line's {@code
   * traceId} unless the line is JSON with one of its own.
   */
  public synchronized void write(String source, String line, String traceId) {
    byte[] bytes = (entry(source, line, traceId) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      if (size > 0 && size + bytes.length > maxBytes) {
        rotate();
      }
      out.write(bytes);
      out.flush();
      size += bytes.length;
    } catch (IOException e) {
      // The console still shows the line; a full disk must not stop the suite.
    }
  }

  /**
   * The line's entry. A JSON line is read with a streaming parser for the four fields the entry
   * repeats and then copied in as it is: every function's request line passes here, and building a
   * tree of it to write it out again cost more than the rest of the entry.
   */
  private String entry(String source, String line, String traceId) {
    StringWriter text = new StringWriter(line.length() + 160);
    try (JsonGenerator g = JSON.getFactory().createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("time", clock.instant().toString());
      g.writeStringField("source", source);
      Record record = line.startsWith("{") ? Record.read(line) : null;
      String trace = traceId;
      if (record != null) {
        for (int i = 0; i < Record.FIELDS.length; i++) {
          if (record.values[i] != null) {
            g.writeStringField(Record.FIELDS[i], record.values[i]);
          }
        }
        if (record.values[Record.FIELDS.length - 1] != null) {
          trace = null;
        }
        g.writeFieldName("record");
        g.writeRawValue(line, 0, record.end);
      } else {
        g.writeStringField("message", line);
      }
      if (trace != null) {
        g.writeStringField("traceId", trace);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return text.toString();
  }

  /** What an entry repeats of a JSON line, and where the line's object ends. */
  private static final class Record {
    /** Repeated in this order; the last is the trace id. */
    static final String[] FIELDS = {"level", "requestId", "correlationId", "traceId"};

    final String[] values = new String[FIELDS.length];
    int end;

    /** The line's object, or null when the line is not one. */
    static Record read(String line) {
      Record r = new Record();
      try (JsonParser p = JSON.getFactory().createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          int at = java.util.Arrays.asList(FIELDS).indexOf(field);
          if (value.isStructStart()) {
            p.skipChildren();
            if (at >= 0) {
              r.values[at] = ""; // as a tree's asText() of an object or array
            }
          } else if (at >= 0) {
            r.values[at] = value == JsonToken.VALUE_NULL ? null : p.getText();
          }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
          return null;
        }
        r.end = (int) p.currentLocation().getCharOffset();
        return r;
      } catch (IOException e) {
        return null;
      }
    }
  }

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(dir.resolve("runner." + KEEP + ".jsonl"));
    for (int i = KEEP - 1; i >= 1; i--) {
      Path from = dir.resolve("runner." + i + ".jsonl");
      if (Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.move(
            from, dir.resolve("runner." + (i + 1) + ".jsonl"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(current(dir), dir.resolve("runner.1.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    open();
  }

  /** Deletes the log's files and its folder (and the folder above when it is then empty). */
  public synchronized void deleteFolder() {
    try {
      for (Path f : files(dir)) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
      if (dir.getParent() != null) {
        Files.deleteIfExists(dir.getParent());
      }
    } catch (IOException ignored) {
      // best effort: a temporary folder
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
