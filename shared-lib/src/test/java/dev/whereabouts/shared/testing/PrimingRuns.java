package dev.whereabouts.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.snapstart.Priming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Runs a function's SnapStart priming as Lambda would before the snapshot and checks its output.
 */
public final class PrimingRuns {
  private PrimingRuns() {}

  /**
   * Runs the priming and asserts that it wrote exactly one log line, its own, carrying nothing of a
   * request (no request id, route, status, user or metrics).
   *
   * @return the priming's log line
   */
  public static JsonNode runQuietly(Priming priming) {
    assertNotNull(priming, "the public constructor registers the priming");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      priming.run();
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    String[] lines = output.strip().split("\n");
    assertEquals(1, lines.length, "priming writes one line, its own: " + output);
    JsonNode line;
    try {
      line = Jackson.MAPPER.readTree(lines[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals("snapstart priming", line.path("message").asText());
    for (String traffic : new String[] {"requestId", "route", "status", "userId", "_aws"}) {
      assertTrue(line.path(traffic).isMissingNode(), "no '" + traffic + "' in " + output);
    }
    assertTrue(line.path("failure").isMissingNode(), "priming ran to its end: " + output);
    return line;
  }
}
