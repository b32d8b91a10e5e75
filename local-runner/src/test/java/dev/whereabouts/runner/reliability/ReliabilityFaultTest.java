package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.cloudwatch.MetricKey;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import dev.whereabouts.runner.cloudwatch.Statistic;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Item 6 of issue 14: faults injected into the running suite through the runner's {@code POST
 * /_local/faults} (the same way a user injects them from the dashboard or {@code java -jar
 * local-runner.jar fault}). Storage throttled or failing: the client gets a 503 problem with {@code
 * Retry-After}, the SDK tries a bounded number of times (counted at the runner's DynamoDB tap), no
 * acknowledged write is lost and the suite answers again by itself once the fault is lifted. The
 * location function failing, hanging past the profile's budget, timing out or answering garbage:
 * {@code GET /profiles/{id}} still answers 200 with {@code locationStatus: "unavailable"} within
 * the budget. Each fault runs once at CI size and {@code Size#faultRounds} times at full size.
 */
class ReliabilityFaultTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Size SIZE = Size.current();
  private static final Path ROOT = SuiteUnderTest.repositoryRoot();

  /** API.md: the profile's whole lookup of the location takes at most 1 s. */
  private static final long PROFILE_BUDGET_MS = 1000;

  private static final Map<String, Integer> SURVIVED = new TreeMap<>();

  @AfterEach
  void liftEveryFault() throws Exception {
    if (World.isLocal()) {
      fault("{\"clear\":true}");
    }
  }

  @AfterAll
  static void report() {
    StringBuilder s = new StringBuilder("reliability faults (" + SIZE.name() + " size):");
    SURVIVED.forEach((k, v) -> s.append(String.format("%n  %-44s survived %d time(s)", k, v)));
    System.out.println(s);
  }

  @Test
  void aThrottledTableIsA503WithRetryAfterBoundedRetriesAndRecovery() throws Exception {
    storageFault("throttleRate", "ThrottledRequests", "profile table throttled");
  }

  @Test
  void aFailingTableIsA503WithRetryAfterBoundedRetriesAndRecovery() throws Exception {
    storageFault("errorRate", "SystemErrors", "profile table failing (500)");
  }

  private void storageFault(String rate, String metric, String name) throws Exception {
    World.local("injects faults into the runner's DynamoDB tap");
    String table = World.table("profile");
    int maxAttempts = sdkMaxAttempts();
    for (int round = 0; round < SIZE.faultRounds(); round++) {
      World.User u = World.register("fault");
      String bearer = u.bearer();
      double before = tapCount(metric, table);
      fault("{\"table\":\"" + table + "\",\"" + rate + "\":1}");
      Api.Reply refused =
          World.json(
              "PUT", "/profiles/" + u.id(), "{\"displayName\":\"F\"}", "Authorization", bearer);
      Checks.answer(refused, 503);
      long retryAfter = Long.parseLong(refused.header("Retry-After"));
      assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
      double attempts = tapCount(metric, table) - before;
      System.out.printf(
          "reliability faults: %s: 503, Retry-After %d s, %.0f SDK attempts counted at the tap%n",
          name, retryAfter, attempts);
      assertTrue(
          attempts >= 1 && attempts <= maxAttempts,
          "the SDK tried " + attempts + " times; at most " + maxAttempts);

      fault("{\"clear\":true}");
      Checks.answer(World.send("GET", "/profiles/" + u.id(), null), 404);
      // Recovery by itself: the client follows Retry-After, nothing is restarted.
      Api.Reply accepted = null;
      for (int i = 0; i < 5; i++) {
        accepted =
            World.json(
                "PUT", "/profiles/" + u.id(), "{\"displayName\":\"F\"}", "Authorization", bearer);
        if (accepted.status() != 503) {
          break;
        }
        Thread.sleep(Long.parseLong(accepted.header("Retry-After")) * 1000);
      }
      Checks.answer(accepted, 201);
      assertEquals(1, accepted.json().get("version").asInt(), "the refused write left nothing");
      survived(name);
    }
  }

  @Test
  void noAcknowledgedWriteIsLostWhileATableThrottlesAndFails() throws Exception {
    World.local("injects faults into the runner's DynamoDB tap");
    String table = World.table("location");
    for (int round = 0; round < SIZE.faultRounds(); round++) {
      int writers = 4;
      int writes = 12;
      List<World.User> users = new ArrayList<>();
      List<String> bearers = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        World.User u = World.register("faultw");
        users.add(u);
        bearers.add(u.bearer());
      }
      fault("{\"table\":\"" + table + "\",\"throttleRate\":0.4,\"errorRate\":0.2}");
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<int[]>> outcomes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String id = users.get(w).id();
        String bearer = bearers.get(w);
        // [acknowledged, refused with 503, index of the last acknowledged write]
        outcomes.add(
            pool.submit(
                () -> {
                  int[] o = {0, 0, -1};
                  for (int i = 0; i < writes; i++) {
                    Api.Reply r =
                        World.json(
                            "PUT",
                            "/locations/" + id,
                            "{\"latitude\":1,\"longitude\":2,\"name\":\"w" + i + "\"}",
                            "Authorization",
                            bearer);
                    if (r.status() == 200 || r.status() == 201) {
                      Checks.answer(r, r.status());
                      o[0]++;
                      o[2] = i;
                      assertEquals(o[0], r.json().get("version").asInt(), "version " + r.json());
                    } else if (r.status() == 503) {
                      Checks.answer(r, 503);
                      assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
                      o[1]++;
                    } else {
                      Checks.answer(r, 429); // the stage's throttle, nothing else
                    }
                  }
                  return o;
                }));
      }
      int acknowledged = 0;
      int refused = 0;
      List<int[]> results = new ArrayList<>();
      for (Future<int[]> f : outcomes) {
        int[] o = f.get();
        results.add(o);
        acknowledged += o[0];
        refused += o[1];
      }
      pool.shutdown();
      fault("{\"clear\":true}");
      assertTrue(acknowledged > 0 && refused > 0, acknowledged + " acked, " + refused + " refused");
      for (int w = 0; w < writers; w++) {
        int[] o = results.get(w);
        Api.Reply stored =
            World.signed("ProfileFunction", "GET", "/locations/" + users.get(w).id(), null, false);
        if (o[0] == 0) {
          Checks.answer(stored, 404);
          continue;
        }
        Checks.answer(stored, 200);
        // Every acknowledged write is there, and nothing refused was written: the tap refuses
        // before the engine, so a refused write cannot have happened.
        assertEquals(o[0], stored.json().get("version").asInt(), stored.raw().body());
        assertEquals("w" + o[2], stored.json().get("name").asText(), stored.raw().body());
      }
      System.out.printf(
          "reliability faults: %d location writes acknowledged, %d refused with 503, all"
              + " accounted for%n",
          acknowledged, refused);
      survived("location table throttling 40 % + failing 20 %");
    }
  }

  @Test
  void aFailingLocationFunctionLeavesProfilesAnsweringWithinTheBudget() throws Exception {
    locationFault("{\"failureRate\":1}", "location function failing");
  }

  @Test
  void aLocationFunctionHangingPastTheBudgetLeavesProfilesAnsweringWithinIt() throws Exception {
    locationFault("{\"latencyMs\":3000}", "location function hanging 3 s");
  }

  @Test
  void aLocationFunctionTimingOutLeavesProfilesAnsweringWithinTheBudget() throws Exception {
    locationFault("{\"latencyMs\":6000}", "location function timing out");
  }

  @Test
  void aLocationFunctionAnsweringGarbageLeavesProfilesAnswering() throws Exception {
    locationFault("{\"garbageRate\":1}", "location function answering garbage");
  }

  private void locationFault(String fault, String name) throws Exception {
    World.local("injects faults into the location function");
    World.User u = World.register("faultl");
    String bearer = u.bearer();
    Checks.answer(
        World.json(
            "PUT", "/profiles/" + u.id(), "{\"displayName\":\"L\"}", "Authorization", bearer),
        201);
    Checks.answer(
        World.json(
            "PUT",
            "/locations/" + u.id(),
            "{\"latitude\":1,\"longitude\":2}",
            "Authorization",
            bearer),
        200);
    for (int round = 0; round < SIZE.faultRounds(); round++) {
      if (round > 0) {
        // The last round ended on a complete answer, which a profile function's environment may
        // serve for up to 2 s (the contract lets the public read lag by 10 s): let it age out.
        Thread.sleep(2_100);
      }
      fault("{\"function\":\"LocationFunction\"," + fault.substring(1));
      // The budget is the profile function's; the runner's own queueing on a shared 2-core
      // machine is not. So each of up to three reads must degrade correctly and none may wait
      // for the location function, and the fastest must be within API.md's 1 s.
      long fastest = Long.MAX_VALUE;
      for (int i = 0; i < 3 && fastest > PROFILE_BUDGET_MS; i++) {
        long start = System.nanoTime();
        Api.Reply r = World.send("GET", "/profiles/" + u.id(), null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        Checks.answer(r, 200);
        assertEquals("unavailable", r.json().get("locationStatus").asText(), r.raw().body());
        assertTrue(r.json().get("location").isNull(), r.raw().body());
        assertEquals("L", r.json().get("displayName").asText());
        assertTrue(ms < 2500, "the profile waited for the location function: " + ms + " ms");
        fastest = Math.min(fastest, ms);
      }
      assertTrue(fastest <= PROFILE_BUDGET_MS, "fastest degraded read took " + fastest + " ms");
      System.out.printf("reliability faults: %s: profile answered in %d ms%n", name, fastest);

      fault("{\"clear\":true}");
      // Recovery by itself: the location comes through again (a read may still meet an
      // environment the fault slowed, so a few are allowed).
      String status = "";
      for (int i = 0; i < 10 && !status.equals("ok"); i++) {
        Api.Reply r = World.send("GET", "/profiles/" + u.id(), null);
        Checks.answer(r, 200);
        status = r.json().get("locationStatus").asText();
        if (!status.equals("ok")) {
          Thread.sleep(500);
        }
      }
      assertEquals("ok", status, "the profile sees the location again once the fault is lifted");
      survived(name);
    }
  }

  /**
   * Every timeout is shorter than its caller's: the SDK's whole DynamoDB call (bounded attempts) is
   * shorter than each function's Timeout, the profile's location budget plus its margin too, and
   * every function's Timeout is shorter than API Gateway's 29 s integration timeout.
   */
  @Test
  void retriesAreBoundedAndEveryTimeoutIsShorterThanItsCallers() throws Exception {
    String aws =
        Files.readString(
            ROOT.resolve("shared-lib/src/main/java/dev/whereabouts/shared/store/Aws.java"));
    Duration apiCall =
        Duration.ofSeconds(
            Long.parseLong(find(aws, "API_CALL_TIMEOUT = Duration.ofSeconds\\((\\d+)\\)")));
    int attempts = sdkMaxAttempts();
    assertTrue(attempts >= 1 && attempts <= 3, "SDK attempts " + attempts);
    String location =
        Files.readString(
            ROOT.resolve(
                "profile-service/src/main/java/dev/whereabouts/profile/LookupBudget.java"));
    long margin =
        Long.parseLong(find(location, "INVOCATION_MARGIN = Duration.ofMillis\\((\\d+)\\)"));
    long maxBudget = Long.parseLong(find(location, "MAX_BUDGET = Duration.ofMillis\\((\\d+)\\)"));
    assertTrue(maxBudget <= PROFILE_BUDGET_MS, "the lookup's budget is at most API.md's 1 s");

    Suite suite = SuiteReader.read(ROOT.resolve("template.yaml"), Map.of(), "eu-central-1");
    int checked = 0;
    for (Suite.Function f : suite.functions()) {
      assertTrue(
          f.timeout().compareTo(Duration.ofSeconds(29)) < 0,
          f.logicalId() + " Timeout " + f.timeout() + " is not under API Gateway's 29 s");
      boolean usesDynamoDb = f.environment().keySet().stream().anyMatch(k -> k.contains("TABLE"));
      if (usesDynamoDb) {
        assertTrue(
            apiCall.compareTo(f.timeout()) < 0,
            f.logicalId() + ": a DynamoDB call may take " + apiCall + ", Timeout " + f.timeout());
        checked++;
      }
      String budget = f.environment().get("LOCATION_BUDGET_MS");
      if (budget != null) {
        long b = Long.parseLong(budget);
        assertTrue(b <= maxBudget, "LOCATION_BUDGET_MS " + b + " over " + maxBudget);
        assertTrue(
            Duration.ofMillis(b + margin).compareTo(f.timeout()) < 0,
            f.logicalId() + ": budget " + b + " ms + margin over Timeout " + f.timeout());
        checked++;
      }
    }
    assertTrue(checked >= 4, "checked " + checked + " function timeouts");
  }

  private static int sdkMaxAttempts() throws Exception {
    String aws =
        Files.readString(
            ROOT.resolve("shared-lib/src/main/java/dev/whereabouts/shared/store/Aws.java"));
    return Integer.parseInt(find(aws, "MAX_ATTEMPTS = (\\d+);"));
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no " + regex);
    return m.group(1);
  }

  /** All the tap counted of {@code metric} on {@code table} so far, over every operation. */
  private static double tapCount(String metric, String table) {
    LocalRunner runner = World.local("reads the tap's counts");
    MetricStore store = runner.cloudWatch().store();
    double total = 0;
    for (MetricKey k : store.metrics()) {
      if (k.namespace().equals("AWS/DynamoDB")
          && k.name().equals(metric)
          && table.equals(k.dimensions().get("TableName"))
          && k.dimensions().containsKey("Operation")) {
        total += store.statistic(k, Statistic.parse("Sum"), 0, Long.MAX_VALUE).orElse(0);
      }
    }
    return total;
  }

  private static void fault(String body) throws Exception {
    fault(World.local("injects faults").baseUrl(), body);
  }

  /** Sets a fault through a runner's {@code POST /_local/faults}, as the dashboard and CLI do. */
  static void fault(String runner, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(runner + "/_local/faults"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(40))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), body + " -> " + r.body());
  }

  private static synchronized void survived(String fault) {
    SURVIVED.merge(fault, 1, Integer::sum);
  }
}
