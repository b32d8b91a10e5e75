package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.RawHttp;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local gateway's own defences, on the real suite: it answers only for the host names it serves
 * (no client-steered calls, no DNS rebinding), its own pages only on loopback, validates the
 * Content-Type the function gets, and puts {@code x-amzn-RequestId} on every answer.
 */
class GatewayHardeningTest {
  private static int port;

  @BeforeAll
  static void runner() {
    assertNotNull(
        SuiteUnderTest.localRunner(),
        "these tests need the local runner: unset WHEREABOUTS_BASE_URL / whereabouts.baseUrl");
    port = URI.create(SuiteUnderTest.baseUrl()).getPort();
  }

  private static RawHttp.Answer get(String path, String host) {
    return RawHttp.send("GET " + path + " HTTP/1.1\nHost: " + host, null);
  }

  private static void assertGatewayProblem(RawHttp.Answer answer, int status) {
    assertEquals(status, answer.status(), answer.text());
    assertEquals("application/problem+json", answer.header("Content-Type"));
    JsonNode problem = answer.json();
    assertEquals(status, problem.get("status").asInt());
    assertEquals(answer.header("x-amzn-RequestId"), problem.get("requestId").asText());
    assertFalse(answer.text().contains("Exception"), answer.text());
  }

  @Test
  void aHostTheRunnerDoesNotServeIsRefusedBeforeAnythingRuns() {
    assertGatewayProblem(get("/profiles/anyone", "attacker.example"), 400);
    assertGatewayProblem(get("/profiles/anyone", "127.0.0.1:" + (port + 1)), 400);
    assertGatewayProblem(get("/profiles/anyone", "rebound.attacker.example:" + port), 400);
    assertGatewayProblem(
        RawHttp.send(
            "GET /profiles/anyone HTTP/1.1\nHost: 127.0.0.1:" + port + "\nHost: attacker.example",
            null),
        400);
  }

  @Test
  void theLoopbackNamesAreServed() {
    for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST"}) {
      RawHttp.Answer answer = get("/profiles/no-such-profile", host);
      assertEquals(404, answer.status(), host + ": " + answer.text());
    }
  }

  @Test
  void aClientsHostNeverSteersTheProfilesSignedCall() throws Exception {
    String user = Api.newUserId("ssrf");
    String bearer = "Bearer " + Api.registeredToken(user, "correct horse battery");
    assertEquals(
        201,
        Api.json("PUT", "/profiles/" + user, "{\"displayName\":\"S\"}", "Authorization", bearer)
            .status());
    assertEquals(
        200,
        Api.json(
                "PUT",
                "/locations/" + user,
                "{\"latitude\":48.137,\"longitude\":11.575}",
                "Authorization",
                bearer)
            .status());
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(300);
      RawHttp.Answer answer =
          RawHttp.send(
              "GET /profiles/"
                  + user
                  + " HTTP/1.1\nHost: 127.0.0.1:"
                  + listener.getLocalPort()
                  + "\nX-Forwarded-Proto: http",
              null);
      assertGatewayProblem(answer, 400);
      boolean called;
      try (var ignored = listener.accept()) {
        called = true;
      } catch (SocketTimeoutException e) {
        called = false;
      }
      assertFalse(called, "nothing was sent to the client's listener");
    }
    Api.Reply served = Api.send("GET", "/profiles/" + user, null);
    assertEquals(200, served.status());
    assertEquals(
        "ok", served.json().get("locationStatus").asText(), "the runner's own API was called");
    assertEquals(48.137, served.json().at("/location/latitude").asDouble());
  }

  @Test
  void theRunnersOwnPagesAnswerOnlyUnderItsNames() {
    RawHttp.Answer page = get("/_local/metrics", "127.0.0.1:" + port);
    assertEquals(200, page.status());
    assertNotNull(page.header("x-amzn-RequestId"));
    RawHttp.Answer rebound = get("/_local/metrics", "rebound.attacker.example:" + port);
    assertGatewayProblem(rebound, 400);
    assertFalse(rebound.text().contains("invocations"), "no metrics leak");
  }

  @Test
  void aRepeatedContentTypeIsValidatedAsTheFunctionReadsIt() {
    byte[] invalid =
        "{\"userId\":\"ab\",\"password\":\"correct horse battery\"}"
            .getBytes(StandardCharsets.UTF_8);
    RawHttp.Answer answer =
        RawHttp.send(
            "POST /auth/users HTTP/1.1\nHost: 127.0.0.1:"
                + port
                + "\nContent-Type: text/plain\nContent-Type: application/json",
            invalid);
    assertGatewayProblem(answer, 400);
    assertNull(answer.header("X-Request-Id"), "the gateway's model refused it, not the function");

    RawHttp.Answer lastIsText =
        RawHttp.send(
            "POST /auth/users HTTP/1.1\nHost: 127.0.0.1:"
                + port
                + "\nContent-Type: application/json\nContent-Type: text/plain",
            invalid);
    assertEquals(415, lastIsText.status(), "the function reads the last value too");
  }

  @Test
  void aMalformedRequestTargetIsAProblemNotTheJdkServersHtmlPage() {
    for (String target : new String[] {"/profiles/%zz", "/profiles/abc%", "/profiles/a%2"}) {
      RawHttp.Answer answer = get(target, "127.0.0.1:" + port);
      assertGatewayProblem(answer, 400);
      assertFalse(answer.text().contains("URISyntaxException"), answer.text());
    }
    assertGatewayProblem(
        RawHttp.send("GET /profiles/a b HTTP/1.1\nHost: 127.0.0.1:" + port, null), 400);
  }

  @Test
  void aMalformedRequestLaterOnAKeptAliveConnectionIsAnsweredAfterTheGoodOnes() throws Exception {
    URI base = URI.create(SuiteUnderTest.baseUrl());
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      String host = "Host: 127.0.0.1:" + port + "\r\n";
      socket
          .getOutputStream()
          .write(
              ("GET /profiles/no-such-one HTTP/1.1\r\n"
                      + host
                      + "\r\nGET /profiles/%zz HTTP/1.1\r\n"
                      + host
                      + "\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      socket.setSoTimeout(30_000);
      String both = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int first = both.indexOf("HTTP/1.1 404");
      int second = both.indexOf("HTTP/1.1 400");
      assertTrue(first >= 0 && second > first, both);
      assertTrue(both.contains("application/problem+json"), both);
    }
  }

  @Test
  void aWellFormedEscapeOfBytesThatAreNotUtf8IsAProblem() {
    // %C0%AF is a well-formed escape of bytes that are not UTF-8.
    RawHttp.Answer answer = get("/profiles/%C0%AF", "127.0.0.1:" + port);
    assertEquals(400, answer.status(), answer.text());
    assertEquals("application/problem+json", answer.header("Content-Type"));
    assertNotNull(answer.header("x-amzn-RequestId"));
  }
}
