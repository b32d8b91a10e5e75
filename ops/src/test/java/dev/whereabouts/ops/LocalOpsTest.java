package dev.whereabouts.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code status} and {@code gate} with {@code --local}: they read {@code GET /_local/alarms} in the
 * shape the local runner answers. The ops module cannot start the runner, so a loopback server
 * answers that shape here; the runner's AlarmsTest pins the same fields from its side.
 */
class LocalOpsTest {
  private HttpServer runner;
  private final AtomicReference<String> document = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    runner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    runner.createContext(
        "/_local/alarms",
        e -> {
          byte[] body = document.get().getBytes(StandardCharsets.UTF_8);
          e.getResponseHeaders().set("Content-Type", "application/json");
          e.sendResponseHeaders(200, body.length);
          e.getResponseBody().write(body);
          e.close();
        });
    runner.start();
  }

  @AfterEach
  void stop() {
    runner.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + runner.getAddress().getPort();
  }

  private static String alarms(String firstState) {
    return alarms(firstState, "OK");
  }

  private static String alarms(String firstState, String spikeState) {
    return """
        {"stack":"local","alarms":[
          {"name":"local-profile-errors","state":"%s","reason":"Threshold Crossed: 2 out of the last 3 datapoints","since":"2026-11-29T03:00:00Z","composite":false,"description":"d"},
          {"name":"local-health","state":"OK","reason":"the alarm rule does not hold","since":"2026-11-29T02:59:00Z","composite":true,"description":"d","rule":"ALARM(\\"local-profile-errors\\")"},
          {"name":"local-login-failed-spike","state":"%s","reason":"outsiders drive it","since":"2026-11-29T03:00:00Z","composite":false,"description":"d"}
        ],"total":2,"notOk":0}
        """
        .formatted(firstState, spikeState);
  }

  private record Result(int exit, String out, String err) {}

  private static Result ops(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        new Ops(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args);
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void statusReadsTheRunnersAlarmsWithoutAwsCredentials() {
    document.set(alarms("OK"));
    Result r = ops("status", "--local", url());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("local-profile-errors"), r.out());
    assertTrue(r.out().contains("3 alarms, 0 not OK"), r.out());
  }

  @Test
  void statusIsOneWhenTheRunnerHasAnAlarmFiring() {
    document.set(alarms("ALARM"));
    Result r = ops("status", "--local", url(), "--stack", "local");
    assertEquals(1, r.exit());
    assertTrue(r.out().lines().skip(1).findFirst().orElseThrow().startsWith("ALARM"), r.out());
  }

  @Test
  void theGateFailsOnALocalAlarm() {
    document.set(alarms("ALARM"));
    Result r = ops("gate", "--local", url(), "--wait", "5s", "--interval", "1s");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("gate: FAILED, local-profile-errors is in ALARM"), r.out());
  }

  @Test
  void theLocalGateWatchesTheHealthRuleAsTheDeployedGateDoes() {
    // A failed-login spike pages but is not in the health rule: it cannot fail a release.
    document.set(alarms("OK", "ALARM"));
    Result r = ops("gate", "--local", url(), "--wait", "1s", "--interval", "1s");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("watching 2 alarms"), r.out());
  }

  @Test
  void theGatePassesWhenTheRunnerStaysQuiet() {
    document.set(alarms("OK"));
    Result r = ops("gate", "--local", url(), "--wait", "1s", "--interval", "1s");
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  @Test
  void noRunnerIsExitThreeWithTheAddress() {
    runner.stop(0);
    Result r = ops("status", "--local", url());
    assertEquals(3, r.exit());
    assertTrue(r.err().contains("cannot reach the local runner at " + url()), r.err());
  }

  @Test
  void metricsPointsAtTheDashboard() {
    document.set(alarms("OK"));
    Result r = ops("metrics", "--local", url());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(url() + "/_local/dashboard"), r.err());
  }
}
