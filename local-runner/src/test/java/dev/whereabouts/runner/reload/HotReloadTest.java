package dev.whereabouts.runner.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --watch} from source, end to end: the runner runs on a copy of this repository (its
 * sources and the functions' jars), the tests edit that copy's files as a developer would and talk
 * to the runner over HTTP. One runner for all tests; each test edits what only it looks at, so the
 * order does not matter.
 */
class HotReloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROFILE_HANDLER =
      "profile-service/src/main/java/dev/whereabouts/profile/ProfileHandler.java";
  private static final String PROBLEM =
      "shared-lib/src/main/java/dev/whereabouts/shared/problem/Problem.java";

  @TempDir static Path dir;
  private static ProjectCopy project;

  @BeforeAll
  static void startOnACopy() throws Exception {
    project = ProjectCopy.of(dir, true);
    project.start(List.of("--watch"));
  }

  @AfterAll
  static void stop() {
    project.close();
  }

  @Test
  void aSavedHandlerRunsOnTheNextRequestWithoutARestart() throws Exception {
    int mark = project.console().length();
    project.edit(PROFILE_HANDLER, "\"No profile is stored for '", "\"Nobody here by the id '");
    project.awaitConsole(mark, "compiled profile-service");

    HttpResponse<String> r = project.get("/profiles/nobody");
    assertEquals(404, r.statusCode());
    assertEquals("Nobody here by the id 'nobody'.", detail(r));
  }

  @Test
  void aSavedSharedLibClassRunsInEveryFunctionThatUsesIt() throws Exception {
    int mark = project.console().length();
    project.edit(
        PROBLEM,
        "\"https://whereabouts.dev/problems/\"",
        "\"https://whereabouts.dev/problems/v2/\"");
    String printed = project.awaitConsole(mark, "compiled shared-lib");
    for (String module : ProjectCopy.FUNCTION_MODULES) {
      assertTrue(printed.contains(module), "the modules using shared-lib recompile: " + printed);
    }

    JsonNode profile = json(project.get("/profiles/nobody"));
    assertEquals("https://whereabouts.dev/problems/v2/not-found", profile.get("type").asText());
    HttpResponse<String> login =
        project.post(
            "/auth/tokens", "{\"userId\":\"nobody\",\"password\":\"correct horse battery\"}");
    assertEquals(401, login.statusCode(), login.body());
    assertTrue(
        json(login).get("type").asText().startsWith("https://whereabouts.dev/problems/v2/"),
        login.body());
  }

  @Test
  void aCompileErrorIsShownWithFileAndLineAndTheOldCodeKeepsServing() throws Exception {
    HttpResponse<String> before = project.get("/profiles/nobody");
    int mark = project.console().length();
    project.edit(PROFILE_HANDLER, "\n}\n", "\n  int broken = ;\n}\n");

    String printed = project.awaitConsole(mark, "compile failed");
    assertTrue(
        printed.matches(
            "(?s).*"
                + java.util.regex.Pattern.quote(PROFILE_HANDLER)
                + ":\\d+: error: illegal start of expression.*"),
        printed);
    HttpResponse<String> during = project.get("/profiles/nobody");
    assertEquals(404, during.statusCode());
    assertEquals(detail(before), detail(during), "the last good code keeps serving");

    mark = project.console().length();
    project.edit(PROFILE_HANDLER, "\n  int broken = ;\n}\n", "\n  int mended = 1;\n}\n");
    project.awaitConsole(mark, "compiled profile-service");
    assertEquals(404, project.get("/profiles/nobody").statusCode());
  }

  @Test
  void aSavedTemplateChangesRoutesAndAddsTablesWithoutARestart() throws Exception {
    HttpResponse<String> unsigned = project.get("/locations/somebody");
    assertEquals(403, unsigned.statusCode(), "GET /locations/{userId} needs a SigV4 signature");

    int mark = project.console().length();
    // The location read is opened to everyone, and a fourth table appears.
    Path template = project.root.resolve("template.yaml");
    String text = Files.readString(template);
    String edited =
        text.replace("Authorizer: AWS_IAM", "Authorizer: NONE")
            .replace(
                "\nResources:\n",
                "\nResources:\n"
                    + "  ReloadedTable:\n"
                    + "    Type: AWS::DynamoDB::Table\n"
                    + "    Properties:\n"
                    + "      BillingMode: PAY_PER_REQUEST\n"
                    + "      AttributeDefinitions:\n"
                    + "        - AttributeName: id\n"
                    + "          AttributeType: S\n"
                    + "      KeySchema:\n"
                    + "        - AttributeName: id\n"
                    + "          KeyType: HASH\n");
    Files.writeString(template, edited);

    String printed = project.awaitConsole(mark, "template.yaml reloaded");
    assertTrue(printed.contains("table ReloadedTable created"), printed);
    HttpResponse<String> open = project.get("/locations/somebody");
    assertEquals(404, open.statusCode(), open.body());
    assertTrue(json(open).get("detail").asText().contains("somebody"), open.body());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static String detail(HttpResponse<String> r) throws Exception {
    return json(r).get("detail").asText();
  }
}
