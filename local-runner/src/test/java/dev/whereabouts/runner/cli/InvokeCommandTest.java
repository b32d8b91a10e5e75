package dev.whereabouts.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate-event} and {@code invoke}, end to end on the real template and functions. */
class InvokeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEMPLATE =
      SuiteUnderTest.repositoryRoot().resolve("template.yaml").toString();

  private record Result(int exit, String out, String err) {}

  private static Result generate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        GenerateEventCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Result invoke(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        InvokeCommand.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void generateEventBuildsTheGatewaysEventForARouteOfTheTemplate() throws Exception {
    Result r =
        generate(
            "generate-event",
            "PUT",
            "/profiles/ana",
            "--body",
            "{\"displayName\":\"Ana\"}",
            "--template",
            TEMPLATE);
    assertEquals(0, r.exit(), r.err());
    JsonNode event = JSON.readTree(r.out());
    assertEquals("/profiles/{userId}", event.path("resource").asText());
    assertEquals("ana", event.path("pathParameters").path("userId").asText());
    assertEquals("ana", event.path("requestContext").path("authorizer").path("userId").asText());
    assertEquals("{\"displayName\":\"Ana\"}", event.path("body").asText());
    assertTrue(
        generate("generate-event", "--list", "--template", TEMPLATE)
            .out()
            .contains("ProfileFunction"));
    Result none = generate("generate-event", "GET", "/nowhere", "--template", TEMPLATE);
    assertEquals(2, none.exit());
    assertTrue(none.err().contains("no route of the template matches GET /nowhere"), none.err());
  }

  @Test
  void invokeRunsOneFunctionWithTheEventAndPrintsItsResultAndLogs(@TempDir Path dir)
      throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(
        event, generate("generate-event", "GET", "/profiles/nobody", "--template", TEMPLATE).out());

    Result r =
        invoke(
            "", "invoke", "ProfileFunction", "--event", event.toString(), "--template", TEMPLATE);
    assertEquals(0, r.exit(), r.err());
    JsonNode result = JSON.readTree(r.out());
    assertEquals(404, result.path("statusCode").asInt(), r.out());
    assertTrue(r.err().contains("REPORT ProfileFunction Duration:"), r.err());
    assertTrue(r.err().contains("ProfileFunction|"), "its log lines, under its name: " + r.err());

    Result fromStdin =
        invoke(
            Files.readString(event),
            "invoke",
            "ProfileFunction",
            "--event",
            "-",
            "--template",
            TEMPLATE);
    assertEquals(0, fromStdin.exit(), fromStdin.err());
    assertEquals(404, JSON.readTree(fromStdin.out()).path("statusCode").asInt());
  }

  @Test
  void invokeNamesTheFunctionsWhenAskedForOneTheTemplateLacks() {
    Result r = invoke("", "invoke", "NoSuchFunction", "--template", TEMPLATE);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no function 'NoSuchFunction'"), r.err());
    assertTrue(r.err().contains("ProfileFunction"), r.err());
    Result notJson = invoke("{not json", "invoke", "ProfileFunction", "--event", "-");
    assertEquals(2, notJson.exit());
    assertTrue(notJson.err().contains("not readable JSON"), notJson.err());
  }
}
