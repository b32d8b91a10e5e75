package dev.whereabouts.runner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private List<JsonNode> written(String... lines) throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-29T06:00:00Z"), ZoneOffset.UTC);
    try (LogFile log = new LogFile(dir, 1 << 20, clock)) {
      for (String line : lines) {
        log.write("ProfileFunction", line, "1-aaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb");
      }
    }
    return Files.readAllLines(LogFile.current(dir)).stream()
        .map(
            l -> {
              try {
                return JSON.readTree(l);
              } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
              }
            })
        .toList();
  }

  @Test
  void aJsonLineIsItsRecordWithItsIdsRepeatedAndItsOwnTraceKept() throws Exception {
    JsonNode entry =
        written(
                "{\"level\":\"INFO\",\"requestId\":\"r-1\",\"correlationId\":\"c-1\","
                    + "\"traceId\":\"1-own\",\"status\":200,\"nested\":{\"a\":[1,2]}}")
            .get(0);
    assertEquals("2026-11-29T06:00:00Z", entry.path("time").asText());
    assertEquals("ProfileFunction", entry.path("source").asText());
    assertEquals("INFO", entry.path("level").asText());
    assertEquals("r-1", entry.path("requestId").asText());
    assertEquals("c-1", entry.path("correlationId").asText());
    assertEquals("1-own", entry.path("traceId").asText());
    assertEquals(200, entry.path("record").path("status").asInt());
    assertEquals(2, entry.path("record").path("nested").path("a").get(1).asInt());
    assertFalse(entry.has("message"));
  }

  @Test
  void aLineThatIsNotOneJsonObjectIsAMessageWithTheInvocationsTrace() throws Exception {
    List<JsonNode> entries =
        written("plain text", "{\"level\":", "[1,2]", "{\"level\":\"WARN\"} and some text after");
    assertEquals("plain text", entries.get(0).path("message").asText());
    assertEquals("{\"level\":", entries.get(1).path("message").asText());
    assertEquals("[1,2]", entries.get(2).path("message").asText());
    assertEquals("1-aaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb", entries.get(0).path("traceId").asText());
    // An object followed by text: the object is the record (the rest is not JSON of it).
    assertEquals("WARN", entries.get(3).path("record").path("level").asText());
    assertEquals("1-aaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb", entries.get(3).path("traceId").asText());
  }
}
