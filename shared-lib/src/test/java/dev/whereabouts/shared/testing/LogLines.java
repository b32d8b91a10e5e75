package dev.whereabouts.shared.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The JSON lines code under test prints to standard output (its log and EMF lines). */
public final class LogLines {
  private LogLines() {}

  /** Something to run while standard output is captured. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} and returns every line it printed, each parsed as JSON. */
  public static List<JsonNode> of(Action action) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(original);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
      if (!line.isBlank()) {
        lines.add(parse(line));
      }
    }
    return lines;
  }

  private static JsonNode parse(String line) throws IOException {
    return Jackson.MAPPER.readTree(line);
  }
}
