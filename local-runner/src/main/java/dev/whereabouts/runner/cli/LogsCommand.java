package dev.whereabouts.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.console.LogFile;
import dev.whereabouts.runner.console.Printable;
import dev.whereabouts.runner.console.PrivateFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code logs}: searches the runner's JSON-lines log (every line of every function and of the
 * runner, see {@link LogFile}), as {@code sam logs} searches CloudWatch Logs.
 */
public final class LogsCommand {
  static final String HELP =
      """
      Usage: java -jar local-runner/target/local-runner.jar logs [filters] [--follow]

      Prints the runner's log lines (every function's and the runner's own), oldest first, from
      DIR/logs/runner*.jsonl (DIR: --data-dir as given to the runner). A runner without
      --data-dir keeps its data in memory and its log in ~/.cache/whereabouts/runs/PORT/logs
      ($XDG_CACHE_HOME when set), which it deletes when it stops: --port finds it while it runs.
      Log folders are the user's alone (0700, files 0600); a link in them is never followed, and
      control characters in a line are printed escaped (\u001b), never raw.

        --function NAME          lines of one function (or 'runner')
        --request-id ID          lines of one invocation
        --correlation-id ID      lines of one request across services
        --trace-id ID            lines carrying this X-Ray trace id (1-…-…, or a whole
                                 X-Amzn-Trace-Id value: its Root is used)
        --since DURATION         newer than this, e.g. 90s, 10m, 2h
        --follow                 keep printing new lines (Ctrl-C stops)
        --json                   the stored JSON lines as they are
        --data-dir DIR           the runner's data directory
        --port N                 the runner's port, when it has no data directory (default 3000)
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("^(\\d+)(s|m|h|d)$");

  private LogsCommand() {}

  /** Where a runner started with {@code dataDir} on {@code port} writes its log. */
  public static Path logDir(Optional<Path> dataDir, int port) {
    return dataDir
        .map(d -> d.resolve("logs"))
        .orElse(
            dev.whereabouts.runner.console.PrivateFolder.runs().resolve(port + "").resolve("logs"));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Predicate<JsonNode> filter = e -> true;
    Optional<Path> dataDir = Optional.empty();
    int port = 3000;
    boolean follow = false;
    boolean raw = false;
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            out.print(HELP);
            return 0;
          }
          case "--function" ->
              filter = filter.and(field("source", OptionValues.value(args, ++i, a)));
          case "--request-id" ->
              filter = filter.and(field("requestId", OptionValues.value(args, ++i, a)));
          case "--correlation-id" ->
              filter = filter.and(field("correlationId", OptionValues.value(args, ++i, a)));
          case "--trace-id" -> {
            String id = OptionValues.value(args, ++i, a);
            String root = dev.whereabouts.runner.lambda.TraceHeader.root(id);
            filter = filter.and(field("traceId", root != null ? root : id));
          }
          case "--since" -> {
            Instant from = Instant.now().minus(duration(OptionValues.value(args, ++i, a)));
            filter =
                filter.and(
                    e -> {
                      try {
                        return !Instant.parse(e.path("time").asText()).isBefore(from);
                      } catch (RuntimeException ex) {
                        return false;
                      }
                    });
          }
          case "--data-dir" -> dataDir = Optional.of(Path.of(OptionValues.value(args, ++i, a)));
          case "--port" -> {
            String v = OptionValues.value(args, ++i, a);
            try {
              port = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--port takes a number, not '" + v + "'");
            }
          }
          case "--follow", "-f" -> follow = true;
          case "--json" -> raw = true;
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("local-runner logs: " + e.getMessage() + " (see logs --help)");
      return 2;
    }
    Path dir = logDir(dataDir, port);
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        PrivateFolder.check(dir);
      } catch (IOException e) {
        err.println("local-runner logs: not reading " + dir + ": " + e.getMessage());
        return 2;
      }
    }
    List<Path> files = LogFile.files(dir);
    if (files.isEmpty() && !follow) {
      err.println(
          "local-runner logs: no log in "
              + dir
              + " (is a runner running on this --port, or did one run with this --data-dir?)");
      return 2;
    }
    try {
      for (Path f : files) {
        String text;
        try (java.io.InputStream in = PrivateFolder.read(f)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
          print(line, filter, raw, out);
        }
      }
      if (follow) {
        follow(LogFile.current(dir), filter, raw, out);
      }
    } catch (IOException e) {
      err.println("local-runner logs: cannot read " + dir + ": " + e.getMessage());
      return 2;
    }
    return 0;
  }

  private static void follow(Path file, Predicate<JsonNode> filter, boolean raw, PrintStream out)
      throws IOException {
    long position = size(file);
    StringBuilder partial = new StringBuilder();
    while (!Thread.currentThread().isInterrupted()) {
      long size = size(file);
      if (size < position) {
        position = 0; // rotated: the new file starts from the beginning
      }
      if (size > position) {
        try (java.nio.channels.SeekableByteChannel r =
            Files.newByteChannel(
                file, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
          r.position(position);
          java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) (r.size() - position));
          while (bytes.hasRemaining() && r.read(bytes) > 0) {
            // until the size read above
          }
          position += bytes.position();
          partial.append(new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8));
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
          print(partial.substring(0, nl), filter, raw, out);
          partial.delete(0, nl + 1);
        }
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The size of a regular file (not a link), or 0. */
  private static long size(Path file) throws IOException {
    return PrivateFolder.isFile(file) ? Files.size(file) : 0;
  }

  private static void print(String line, Predicate<JsonNode> filter, boolean raw, PrintStream out) {
    JsonNode entry;
    try {
      entry = JSON.readTree(line);
    } catch (IOException e) {
      return;
    }
    if (entry == null || !filter.test(entry)) {
      return;
    }
    if (raw) {
      out.println(Printable.of(line));
      return;
    }
    String text =
        entry.has("record")
            ? entry.get("record").path("message").asText(entry.get("record").toString())
            : entry.path("message").asText();
    StringBuilder s =
        new StringBuilder(entry.path("time").asText())
            .append(' ')
            .append(String.format("%-17s", entry.path("source").asText()))
            .append("| ")
            .append(text);
    if (entry.has("record")) {
      s.append("  ").append(entry.get("record"));
    }
    out.println(Printable.of(s.toString()));
  }

  private static Predicate<JsonNode> field(String name, String value) {
    return e -> value.equals(e.path(name).asText(null));
  }

  private static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--since takes 90s, 10m, 2h or 1d, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
