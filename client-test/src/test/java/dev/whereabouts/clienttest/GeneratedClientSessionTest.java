package dev.whereabouts.clienttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.client.ApiClient;
import dev.whereabouts.client.ApiException;
import dev.whereabouts.client.api.AuthApi;
import dev.whereabouts.client.api.LocationsApi;
import dev.whereabouts.client.api.ProfilesApi;
import dev.whereabouts.client.model.Location;
import dev.whereabouts.client.model.LocationInput;
import dev.whereabouts.client.model.LocationStatus;
import dev.whereabouts.client.model.Login;
import dev.whereabouts.client.model.Profile;
import dev.whereabouts.client.model.ProfileInput;
import dev.whereabouts.client.model.PublicProfile;
import dev.whereabouts.client.model.Registration;
import dev.whereabouts.client.model.Token;
import dev.whereabouts.client.model.User;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's session (register, log in, write a profile and a location, read the public profile,
 * revoke the token), run through the Java client that openapi-generator makes from openapi.yaml,
 * against the local runner started from its jar as the README starts it.
 */
class GeneratedClientSessionTest {
  private static final Path ROOT =
      Path.of(System.getProperty("whereabouts.root", "..")).toAbsolutePath().normalize();
  private static final Duration RUNNER_START_LIMIT = Duration.ofMinutes(3);

  private static Process runner;
  private static Path runnerLog;
  private static String baseUri;

  @BeforeAll
  static void startTheRunner() throws Exception {
    Path jar = ROOT.resolve("local-runner/target/local-runner.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is missing: ./mvnw -B verify builds it first");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    baseUri = "http://127.0.0.1:" + port;
    runnerLog = Files.createTempFile("client-test-runner", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    runner =
        new ProcessBuilder(
                java,
                "-jar",
                jar.toString(),
                "--template",
                ROOT.resolve("template.yaml").toString(),
                "--port",
                Integer.toString(port),
                "--no-color")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(runnerLog.toFile())
            .start();
    awaitServing();
  }

  @AfterAll
  static void stopTheRunner() throws Exception {
    if (runner != null) {
      runner.destroy();
      if (!runner.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        runner.descendants().forEach(ProcessHandle::destroyForcibly);
        runner.destroyForcibly();
      }
    }
  }

  @Test
  void theReadmeSessionRunsThroughTheGeneratedClient() throws Exception {
    ApiClient anonymous = client(null);
    AuthApi auth = new AuthApi(anonymous);

    User user =
        auth.register(new Registration().userId("michael").password("correct horse battery"), null);
    assertEquals("michael", user.getUserId());
    Token token = auth.login(new Login().userId("michael").password("correct horse battery"), null);
    assertEquals(Token.TokenTypeEnum.BEARER, token.getTokenType());

    ApiClient signedIn = client(token.getAccessToken());
    Profile profile =
        new ProfilesApi(signedIn)
            .putProfile(
                "michael",
                new ProfileInput().displayName("Michael").bio("AWS in Action"),
                null,
                null);
    assertEquals(1, profile.getVersion());
    // No location yet: null, and a status that is not ok (none; unavailable if the location
    // function's first cold start in the runner outlasts the profile's 800 ms budget).
    PublicProfile withoutLocation = new ProfilesApi(anonymous).getProfile("michael", null, null);
    assertNull(withoutLocation.getLocation());
    assertTrue(
        List.of(LocationStatus.NONE, LocationStatus.UNAVAILABLE)
            .contains(withoutLocation.getLocationStatus()),
        withoutLocation.toString());
    Location location =
        new LocationsApi(signedIn)
            .putLocation(
                "michael",
                new LocationInput().latitude(48.137).longitude(11.575).name("Munich"),
                null,
                null);
    assertEquals(48.137, location.getLatitude());

    // The public read may lag a write by the contract's 10 s (the profile function keeps an
    // answer for 2 s; no edge runs locally), so the new location shows within that bound.
    PublicProfile shown = new ProfilesApi(anonymous).getProfile("michael", null, null);
    for (long deadline = System.nanoTime() + 10_000_000_000L;
        shown.getLocationStatus() != LocationStatus.OK && System.nanoTime() < deadline; ) {
      Thread.sleep(250);
      shown = new ProfilesApi(anonymous).getProfile("michael", null, null);
    }
    assertEquals("Michael", shown.getDisplayName());
    assertEquals(LocationStatus.OK, shown.getLocationStatus());
    assertNotNull(shown.getLocation(), "the location is shown");
    assertEquals(11.575, shown.getLocation().getLongitude());
    assertEquals("Munich", shown.getLocation().getName());

    new AuthApi(signedIn).revoke(null);
    ApiException refused =
        assertThrows(
            ApiException.class,
            () ->
                new ProfilesApi(signedIn)
                    .putProfile("michael", new ProfileInput().displayName("Mallory"), null, null));
    assertEquals(401, refused.getCode(), refused.getResponseBody());
    assertTrue(
        refused.getResponseHeaders().firstValue("content-type").orElse("").contains("problem+json"),
        "errors are problem+json, as openapi.yaml types them");
  }

  /** A client on the runner; with a token, every request carries it as a bearer token. */
  private static ApiClient client(String accessToken) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(baseUri);
    if (accessToken != null) {
      client.setRequestInterceptor(r -> r.header("Authorization", "Bearer " + accessToken));
    }
    return client;
  }

  /** Until the runner answers a request (any status), or it exits, or the limit passes. */
  private static void awaitServing() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(RUNNER_START_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      assertTrue(runner.isAlive(), "the runner stopped:\n" + log());
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUri + "/profiles/nobody-yet")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (List.of(200, 404).contains(r.statusCode())) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the runner did not serve within " + RUNNER_START_LIMIT + ":\n" + log());
  }

  private static String log() throws IOException {
    return Files.readString(runnerLog);
  }
}
