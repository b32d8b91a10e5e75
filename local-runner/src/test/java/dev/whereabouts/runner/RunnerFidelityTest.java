package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.fixture.FixtureJar;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/** What the runner promises about Lambda and API Gateway, proven on a fixture function. */
class RunnerFidelityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dir;
  private static LocalRunner runner;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    FixtureJar.build(dir.resolve("fixture.jar"));
    try (InputStream template =
        RunnerFidelityTest.class.getResourceAsStream("/fixture/template.yaml")) {
      Files.copy(template, dir.resolve("template.yaml"));
    }
    runner =
        runner("--template", dir.resolve("template.yaml").toString(), "--port", "0", "--no-color");
    runner.start();
    base = runner.baseUrl();
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  private static LocalRunner runner(String... args) throws Exception {
    return LocalRunner.create(
        RunnerOptions.parse(args), new PrintStream(new ByteArrayOutputStream(), true));
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void theHandlerGetsARealContextAndTheTemplatesEnvironment() throws Exception {
    HttpResponse<String> r = get("/slow");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = json(r);
    assertEquals("FixtureFunction", body.get("function").asText());
    assertEquals(512, body.get("memory").asInt());
    int remaining = body.get("remainingMs").asInt();
    assertTrue(remaining > 0 && remaining <= 1000, "remaining " + remaining);
    assertEquals(
        r.headers().firstValue("x-amzn-RequestId").orElseThrow(), body.get("requestId").asText());
    assertEquals("hello-eu-central-1", body.get("greeting").asText());
    assertEquals("/slow", body.get("resource").asText());
    assertEquals("test", body.get("stage").asText());
  }

  @Test
  void theStagePrefixIsOptional() throws Exception {
    assertEquals(200, get("/test/slow").statusCode());
  }

  @Test
  void aFunctionPastItsTimeoutIsCutOffAndItsEnvironmentReplaced() throws Exception {
    String before = json(get("/slow")).get("instance").asText();
    HttpResponse<String> slow = get("/slow?sleepMs=2500");
    assertEquals(502, slow.statusCode(), slow.body());
    assertTrue(
        slow.headers()
            .firstValue("Content-Type")
            .orElseThrow()
            .startsWith("application/problem+json"));
    String after = json(get("/slow")).get("instance").asText();
    assertNotEquals(before, after, "the timed-out environment is gone");
  }

  @Test
  void aFailingFunctionIsA502() throws Exception {
    assertEquals(502, get("/slow?fail=1").statusCode());
  }

  @Test
  void concurrentRequestsGetEnvironmentsOfTheirOwn() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/slow?sleepMs=400")).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    Set<String> instances = new HashSet<>();
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      instances.add(json(c.get()).get("instance").asText());
    }
    assertEquals(3, instances.size(), "one request at a time per environment");
  }

  @Test
  void functionsShareNoStaticStateEvenWhenBuiltFromTheSameClass() throws Exception {
    // FixtureFunction and PrivateFunction run the same handler class from the same jar file;
    // each counts only the instances made in its own class loader.
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/slow?sleepMs=200")).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    // No sleep before counting: the requests finish first, and the count is compared with what
    // they and the runner report (a sleep guessed how far they had got on a loaded machine).
    Set<String> instances = new HashSet<>();
    for (CompletableFuture<HttpResponse<String>> call : inFlight) {
      instances.add(json(call.get()).get("instance").asText());
    }
    int inThisLoader = json(get("/slow")).get("instancesInThisLoader").asInt();
    assertEquals(runner.metrics().coldStarts("FixtureFunction"), inThisLoader);
    assertTrue(inThisLoader >= instances.size(), "every environment's instance is counted");
    JsonNode privateOne = json(signedGet("/test/private/iso", "FixtureAuthorizer", null));
    assertEquals(
        runner.metrics().coldStarts("PrivateFunction"),
        privateOne.get("instancesInThisLoader").asInt());
  }

  @Test
  void theAuthorizerDecidesAndItsPolicyIsEnforced() throws Exception {
    assertEquals(401, get("/things").statusCode());
    HttpResponse<String> garbage = get("/things", "Authorization", "garbage");
    assertEquals(401, garbage.statusCode());
    assertTrue(
        garbage
            .headers()
            .firstValue("Content-Type")
            .orElseThrow()
            .startsWith("application/problem+json"));
    assertEquals(
        garbage.headers().firstValue("X-Request-Id").orElseThrow(),
        json(garbage).get("requestId").asText());
    assertEquals(403, get("/things", "Authorization", "deny-eve").statusCode());
    HttpResponse<String> allowed = get("/things", "Authorization", "allow-bob");
    assertEquals(200, allowed.statusCode());
    assertEquals("bob", json(allowed).get("principal").asText());
  }

  @Test
  void aCachedNarrowPolicyDoesNotOpenOtherRoutes() throws Exception {
    assertEquals(200, get("/things", "Authorization", "narrow-nina").statusCode());
    assertEquals(
        403, post("/things", "{\"name\":\"ok\"}", "Authorization", "narrow-nina").statusCode());
  }

  @Test
  void authorizerResultsAreCachedByIdentitySourceForTheTemplatesTtl() throws Exception {
    long before = runner.metrics().invocations("FixtureAuthorizer");
    get("/things", "Authorization", "allow-carl");
    get("/things", "Authorization", "allow-carl");
    get("/things", "Authorization", "allow-carl");
    assertEquals(before + 1, runner.metrics().invocations("FixtureAuthorizer"));
    get("/things", "Authorization", "allow-dora");
    assertEquals(before + 2, runner.metrics().invocations("FixtureAuthorizer"));
  }

  @Test
  void bodiesAreValidatedAgainstTheTemplatesModel() throws Exception {
    HttpResponse<String> invalid =
        post("/things", "{\"name\":\"too long\"}", "Authorization", "allow-val");
    assertEquals(400, invalid.statusCode());
    assertTrue(json(invalid).get("detail").asText().contains("too long"), invalid.body());
    assertEquals(
        400, post("/things", "{\"nom\":\"x\"}", "Authorization", "allow-val").statusCode());
    assertEquals(
        200, post("/things", "{\"name\":\"ok\"}", "Authorization", "allow-val").statusCode());
  }

  @Test
  void preflightsAreAnsweredFromTheTemplatesCorsWithoutAuthentication() throws Exception {
    HttpResponse<String> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/things"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, preflight.statusCode());
    assertEquals(
        "https://app.example.com",
        preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    assertEquals(
        "GET,OPTIONS",
        preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
    HttpResponse<String> nowhere =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/nowhere"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, nowhere.statusCode());
  }

  @Test
  void unknownRoutesAnswerAsApiGatewayDoes() throws Exception {
    HttpResponse<String> r = get("/nowhere");
    assertEquals(403, r.statusCode());
    assertEquals("MISSING_AUTHENTICATION_TOKEN", json(r).get("title").asText());
  }

  private static HttpResponse<String> signedGet(String path, String function, String tamperPath)
      throws Exception {
    Map.Entry<String, String> credentials = runner.credentialsOf(function);
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(
                            AwsBasicCredentials.create(
                                credentials.getKey(), credentials.getValue()))
                        .request(
                            SdkHttpFullRequest.builder()
                                .method(SdkHttpMethod.GET)
                                .uri(URI.create(base + path))
                                .build())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1"))
            .request();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + (tamperPath == null ? path : tamperPath)));
    signed
        .headers()
        .forEach(
            (k, v) -> {
              if (!k.equalsIgnoreCase("Host")) {
                v.forEach(value -> b.header(k, value));
              }
            });
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void iamRoutesAcceptOnlySignaturesOfAnAllowedRole() throws Exception {
    HttpResponse<String> unsigned = get("/test/private/a");
    assertEquals(403, unsigned.statusCode());
    assertEquals("MISSING_AUTHENTICATION_TOKEN", json(unsigned).get("title").asText());
    assertEquals(200, signedGet("/test/private/a", "FixtureAuthorizer", null).statusCode());
    HttpResponse<String> otherRole = signedGet("/test/private/a", "FixtureFunction", null);
    assertEquals(403, otherRole.statusCode());
    assertEquals("ACCESS_DENIED", json(otherRole).get("title").asText());
    HttpResponse<String> tampered =
        signedGet("/test/private/a", "FixtureAuthorizer", "/test/private/b");
    assertEquals(403, tampered.statusCode());
    assertEquals("INVALID_SIGNATURE", json(tampered).get("title").asText());
  }

  @Test
  void metricsAreServed() throws Exception {
    get("/slow");
    JsonNode m = json(get("/_local/metrics"));
    assertTrue(m.at("/functions/FixtureFunction/invocations").asInt() > 0);
    assertTrue(m.at("/functions/FixtureFunction/durationMs").has("p99"));
  }

  @Test
  void theGatewaysOwnTimeLeavesOutTheFunctions() throws Exception {
    long before = json(get("/_local/metrics")).at("/gateway/requests").asLong();
    for (int i = 0; i < 3; i++) {
      assertEquals(200, get("/slow?sleepMs=400").statusCode());
    }
    // The gateway counts a request just after it wrote the answer, so the client may read the
    // metrics a moment before the last count; wait for it (bounded), then compare exactly.
    JsonNode gateway =
        Eventually.await(
            Duration.ofSeconds(5),
            () -> json(get("/_local/metrics")).get("gateway"),
            g -> g.get("requests").asLong() >= before + 3);
    // the metrics request itself is served beside the gateway, not through it
    assertEquals(before + 3, gateway.get("requests").asLong());
    // three of the recent requests each spent 400 ms in the function; none of it is the gateway's
    assertTrue(
        gateway.at("/ownMs/p50").asDouble() < 400, "gateway's own p50: " + gateway.get("ownMs"));
  }

  @Test
  void parameterOverridesReachTheFunctions() throws Exception {
    LocalRunner other =
        runner(
            "--template",
            dir.resolve("template.yaml").toString(),
            "--port",
            "0",
            "--parameter-overrides",
            "Greeting=hi");
    other.start();
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(other.baseUrl() + "/slow")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals("hi-eu-central-1", json(r).get("greeting").asText());
    } finally {
      other.close();
    }
  }

  @Test
  void withWatchARebuiltJarIsLoadedWithoutARestart() throws Exception {
    Path watched = dir.resolve("watched");
    Files.createDirectories(watched);
    Files.copy(dir.resolve("template.yaml"), watched.resolve("template.yaml"));
    FixtureJar.build(watched.resolve("fixture.jar"));
    LocalRunner other =
        runner("--template", watched.resolve("template.yaml").toString(), "--port", "0", "--watch");
    other.start();
    try {
      URI slow = URI.create(other.baseUrl() + "/slow");
      String first =
          json(HTTP.send(
                  HttpRequest.newBuilder(slow).build(), HttpResponse.BodyHandlers.ofString()))
              .get("instance")
              .asText();
      String same =
          json(HTTP.send(
                  HttpRequest.newBuilder(slow).build(), HttpResponse.BodyHandlers.ofString()))
              .get("instance")
              .asText();
      assertEquals(first, same, "a warm environment is reused");
      FixtureJar.build(watched.resolve("fixture.jar"));
      Files.setLastModifiedTime(
          watched.resolve("fixture.jar"),
          java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      String reloaded =
          json(HTTP.send(
                  HttpRequest.newBuilder(slow).build(), HttpResponse.BodyHandlers.ofString()))
              .get("instance")
              .asText();
      assertNotEquals(first, reloaded);
      assertEquals(2, other.metrics().coldStarts("FixtureFunction"));
    } finally {
      other.close();
    }
  }

  @Test
  void startupProblemsAreOneLineMessages() throws Exception {
    LocalRunner.StartupException unknownParameter =
        assertThrows(
            LocalRunner.StartupException.class,
            () ->
                runner(
                        "--template",
                        dir.resolve("template.yaml").toString(),
                        "--parameter-overrides",
                        "Nope=1")
                    .start());
    assertTrue(unknownParameter.getMessage().contains("'Nope'"));

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "Resources:\n  A: [unclosed\n", StandardCharsets.UTF_8);
    LocalRunner.StartupException yaml =
        assertThrows(
            LocalRunner.StartupException.class,
            () -> runner("--template", broken.toString()).start());
    assertTrue(yaml.getMessage().startsWith(broken + ":"), yaml.getMessage());

    Path noJar = dir.resolve("nojar");
    Files.createDirectories(noJar);
    Files.copy(dir.resolve("template.yaml"), noJar.resolve("template.yaml"));
    LocalRunner.StartupException missing =
        assertThrows(
            LocalRunner.StartupException.class,
            () -> runner("--template", noJar.resolve("template.yaml").toString()).start());
    assertTrue(missing.getMessage().contains("mvn -B -q package"), missing.getMessage());

    int taken = runner.baseUrl().lastIndexOf(':');
    String port = runner.baseUrl().substring(taken + 1);
    LocalRunner.StartupException inUse =
        assertThrows(
            LocalRunner.StartupException.class,
            () ->
                runner("--template", dir.resolve("template.yaml").toString(), "--port", port)
                    .start());
    assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
  }
}
