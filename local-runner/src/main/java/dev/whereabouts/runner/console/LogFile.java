package dev.whereabouts.runner.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * Every line the console prints, also written as one JSON object per line to {@code
 * DIR/runner.jsonl}: {@code time}, {@code source} (a function's name or {@code runner}), the line's
 * {@code requestId}, {@code correlationId}, {@code traceId} and {@code level} when the function
 * logged JSON, and the line itself ({@code record} when JSON, else {@code message}). When the file
 * passes {@code maxBytes} it becomes {@code runner.1.jsonl} (the older ones shift up to {@code
 * runner.KEEP.jsonl}, the oldest is dropped) and a new file starts.
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
    Files.createDirectories(dir);
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
      if (Files.isRegularFile(p)) {
        out.add(p);
      }
    }
    if (Files.isRegularFile(current(dir))) {
      out.add(current(dir));
    }
    return out;
  }

  private void open() throws IOException {
    Path file = current(dir);
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    size = Files.size(file);
  }

  /** Writes one console line of {@code source}. */
  public synchronized void write(String source, String line) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("time", clock.instant().toString());
    entry.put("source", source);
    JsonNode record = null;
    if (line.startsWith("{")) {
      try {
        record = JSON.readTree(line);
      } catch (IOException e) {
        record = null;
      }
    }
    if (record != null && record.isObject()) {
      for (String field : new String[] {"level", "requestId", "correlationId", "traceId"}) {
        if (record.hasNonNull(field)) {
          entry.put(field, record.get(field).asText());
        }
      }
      entry.set("record", record);
    } else {
      entry.put("message", line);
    }
    byte[] bytes = (entry + "\n").getBytes(StandardCharsets.UTF_8);
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

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(dir.resolve("runner." + KEEP + ".jsonl"));
    for (int i = KEEP - 1; i >= 1; i--) {
      Path from = dir.resolve("runner." + i + ".jsonl");
      if (Files.exists(from)) {
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
