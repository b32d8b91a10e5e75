package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.reliability.Transcript;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's one port as a client sees it on the wire: what the server library frames (status
 * lines, header names, limits, compliance) and the runner's policy on who may call its own pages.
 */
class RunnerServerTest {
  private static int port;

  @BeforeAll
  static void runner() {
    Assumptions.assumeTrue(
        SuiteUnderTest.localRunner() != null, "the runner's own server is under test");
    port = URI.create(SuiteUnderTest.baseUrl()).getPort();
  }

  /** Writes {@code request} as is (CRLF line ends, the caller's headers) and reads the answer. */
  private static String exchange(String request) throws IOException {
    return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String exchange(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it has read everything: read what it said
      }
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String host() {
    return "Host: 127.0.0.1:" + port + "\r\n";
  }

  private static String postFaults(String contentType, String extraHeaders) throws IOException {
    byte[] body = "{\"function\":\"NoSuchFunction\"}".getBytes(StandardCharsets.UTF_8);
    return exchange(
        "POST /_local/faults HTTP/1.1\r\n"
            + host()
            + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
            + extraHeaders
            + "Content-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n"
            + new String(body, StandardCharsets.ISO_8859_1));
  }

  private static String statusLine(String answer) {
    return answer.substring(0, answer.indexOf("\r\n"));
  }

  @Test
  void headerNamesLeaveAsTheCodeWroteThemAndStatusLinesCarryTheirReason() throws IOException {
    String answer =
        exchange(
            "GET /profiles/no-such-profile HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
    assertEquals("HTTP/1.1 404 Not Found", statusLine(answer));
    assertTrue(answer.contains("\r\nx-amzn-RequestId: "), answer);
    assertTrue(answer.contains("\r\nX-Amzn-Trace-Id: "), answer);
  }

  @Test
  void twelveThousandHeaderLinesAreAnswered431AsAProblem() throws IOException {
    StringBuilder request = new StringBuilder("GET /profiles/x HTTP/1.1\r\n").append(host());
    for (int i = 0; i < 12_000; i++) {
      request.append("X-Filler-").append(i).append(": x\r\n");
    }
    String answer = exchange(request.append("\r\n").toString());
    assertTrue(
        answer.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        answer.substring(0, Math.min(200, answer.length())));
    assertTrue(answer.contains("application/problem+json"), answer);
    assertTrue(answer.contains("x-amzn-RequestId: "), answer);
    assertTrue(answer.contains("\"status\":431"), answer);
  }

  @Test
  void aMalformedPercentEncodingInTheQueryIsAProblemNotA500() throws IOException {
    String answer =
        exchange("GET /profiles/nobody?x=%ZZ HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
    assertTrue(answer.contains("application/problem+json"), answer);
  }

  @Test
  void aMethodThatIsNotAnHttpTokenIsRefusedAndNeverPrinted() throws IOException {
    String answer =
        exchange("G\u001b[31mET /profiles/x HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertTrue(answer.contains("application/problem+json"), answer);
    for (String line : Transcript.lines()) {
      assertFalse(line.contains("\u001b"), "an escape sequence reached the console: " + line);
    }
  }

  @Test
  void partialHeadsHeldOpenDoNotCostAThreadEach() throws Exception {
    int before = Thread.activeCount();
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 600; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream()
            .write("GET /profiles/x HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
        held.add(s);
      }
      Thread.sleep(1_000);
      int during = Thread.activeCount();
      assertTrue(
          during - before < 100, "600 partial heads started " + (during - before) + " threads");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    String answer =
        exchange(
            "GET /profiles/no-such-profile HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
    assertEquals("HTTP/1.1 404 Not Found", statusLine(answer));
  }

  @Test
  void aPageOfAnotherOriginCannotChangeTheRunnersState() throws IOException {
    // What a browser sends without a preflight: a "simple" content type, from another origin.
    String plain =
        postFaults("text/plain", "Origin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n");
    assertTrue(plain.startsWith("HTTP/1.1 403 ") || plain.startsWith("HTTP/1.1 415 "), plain);
    assertTrue(plain.contains("application/problem+json"), plain);
    String form = postFaults("application/x-www-form-urlencoded", "");
    assertTrue(form.startsWith("HTTP/1.1 415 "), form);
    String noType = postFaults(null, "");
    assertTrue(noType.startsWith("HTTP/1.1 415 "), noType);
    String jsonElsewhere = postFaults("application/json", "Origin: https://evil.example\r\n");
    assertTrue(jsonElsewhere.startsWith("HTTP/1.1 403 "), jsonElsewhere);
    String crossSite = postFaults("application/json", "Sec-Fetch-Site: cross-site\r\n");
    assertTrue(crossSite.startsWith("HTTP/1.1 403 "), crossSite);
  }

  @Test
  void theRunnersOwnPagesAndItsUsersStillChangeState() throws IOException {
    // Reaches the fault code (which refuses the unknown function): the policy let it through.
    String own =
        postFaults(
            "application/json; charset=utf-8",
            "Origin: http://127.0.0.1:" + port + "\r\nSec-Fetch-Site: same-origin\r\n");
    assertTrue(own.startsWith("HTTP/1.1 400 "), own);
    assertTrue(own.contains("NoSuchFunction"), own);
    String cli = postFaults("application/json", "");
    assertTrue(cli.contains("NoSuchFunction"), cli);
  }

  @Test
  void theDashboardCannotBeFramedNorRunScriptsOfOthers() throws IOException {
    String page =
        exchange("GET /_local/dashboard HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
    String head = page.substring(0, page.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
    assertTrue(page.startsWith("HTTP/1.1 200 OK\r\n"), page);
    assertTrue(
        head.contains(
            "\r\ncontent-security-policy: default-src 'self'; frame-ancestors 'none';"
                + " object-src 'none'; base-uri 'none'"),
        head);
    assertTrue(head.contains("\r\nx-frame-options: deny"), head);
    assertTrue(head.contains("\r\nx-content-type-options: nosniff"), head);
  }
}
