package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Item 6 of issue 14, the storage gone: the runner's DynamoDB engine killed mid-load ({@code POST
 * /_local/faults {"engine":"stop"}}, what {@code fault --engine stop} sends) and started again with
 * its data folder. While it is gone every client gets a 503 problem with {@code Retry-After}
 * (registration, login, the authorizer's token lookup, writes and public reads alike); no
 * acknowledged write is lost; once it is back the suite answers again by itself, with no restart of
 * the runner or the functions.
 *
 * <p>A write answered 503 while the engine died has an unknown outcome, as on AWS when storage
 * fails mid-request: the engine may have applied it before it was killed. So per item: every
 * acknowledged write has its own version, the stored version is at least the number of acknowledged
 * writes and at most that plus the writes answered 503, and the stored item is the last
 * acknowledged write or one sent after it.
 *
 * <p>This suite starts its own runner with a data folder (the shared one keeps its data in memory,
 * where a restart would lose everything).
 */
class ReliabilityEngineRestartTest {
  private static final Size SIZE = Size.current();
  private static final int WRITERS = 4;
  private static final Duration BEFORE = Duration.ofMillis(1500);
  private static final Duration OUTAGE = Duration.ofMillis(2500);
  private static final Duration AFTER = Duration.ofMillis(2500);

  private static Path data;
  private static LocalRunner runner;

  @BeforeAll
  static void startRunnerWithADataFolder() throws Exception {
    data = Files.createTempDirectory("whereabouts-engine-restart");
    RunnerOptions options =
        RunnerOptions.parse(
            new String[] {
              "--template",
              SuiteUnderTest.repositoryRoot().resolve("template.yaml").toString(),
              "--port",
              "0",
              "--data-dir",
              data.toString(),
              "--no-color"
            });
    runner = LocalRunner.create(options, System.out);
    runner.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (runner != null) {
      runner.close();
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** What one writer saw. */
  private static final class Writer {
    final String userId;
    final String bearer;
    final List<String> sent = new ArrayList<>();
    final Set<Integer> acknowledgedVersions = new HashSet<>();
    final Set<String> answered503 = new HashSet<>();
    int acknowledged;
    int unknownOutcome;
    int lastAcknowledged = -1;
    int acknowledgedAfterRestart;
    long lastVersion;

    Writer(String userId, String bearer) {
      this.userId = userId;
      this.bearer = bearer;
    }
  }

  @Test
  void theEngineKilledMidLoadAndRestartedLosesNoAcknowledgedWriteAndTheSuiteRecovers()
      throws Exception {
    for (int round = 0; round < SIZE.faultRounds(); round++) {
      List<Writer> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        String id = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "Pw-" + UUID.randomUUID();
        String credentials = "{\"userId\":\"" + id + "\",\"password\":\"" + password + "\"}";
        // Set-up, not under test: follows Retry-After on a loaded machine (see World).
        Api.Reply registered =
            World.followingRetryAfter(() -> send("POST", "/auth/users", credentials));
        assertTrue(registered.status() == 201 || registered.status() == 409, registered.toString());
        Api.Reply login =
            World.followingRetryAfter(() -> send("POST", "/auth/tokens", credentials));
        Checks.answer(login, 201);
        writers.add(new Writer(id, "Bearer " + login.json().get("accessToken").asText()));
      }
      // 0 before the kill, 1 while the engine is gone, 2 once it answers again
      AtomicInteger phase = new AtomicInteger();
      AtomicInteger duringOutage = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> running = new ArrayList<>();
      for (Writer w : writers) {
        running.add(pool.submit(() -> write(w, phase, duringOutage)));
      }
      Thread.sleep(BEFORE.toMillis());
      fault("{\"engine\":\"stop\"}");
      phase.set(1);
      Thread.sleep(OUTAGE.toMillis() / 2);
      // Reads, logins and registrations meet the same outage as the writes.
      Checks.answer(send("GET", "/profiles/" + writers.get(0).userId, null), 503);
      Checks.answer(
          send("POST", "/auth/tokens", "{\"userId\":\"nobody\",\"password\":\"Pw-0123456789\"}"),
          503);
      Checks.answer(
          send(
              "POST",
              "/auth/users",
              "{\"userId\":\"restart-"
                  + UUID.randomUUID().toString().substring(0, 8)
                  + "\",\"password\":\"Pw-"
                  + UUID.randomUUID()
                  + "\"}"),
          503);
      Thread.sleep(OUTAGE.toMillis() / 2);
      fault("{\"engine\":\"start\"}");
      phase.set(2);
      Thread.sleep(AFTER.toMillis());
      phase.set(3);
      for (Future<?> f : running) {
        f.get();
      }
      pool.shutdown();

      int acknowledged = 0;
      int unknown = 0;
      for (Writer w : writers) {
        acknowledged += w.acknowledged;
        unknown += w.unknownOutcome;
        assertTrue(w.acknowledgedAfterRestart > 0, w.userId + ": no write succeeded after restart");
        // Authorization: read what is stored, past the profile function's 2 s cache.
        Api.Reply stored = send("GET", "/profiles/" + w.userId, null, "Authorization", w.bearer);
        Checks.answer(stored, 200);
        long version = stored.json().get("version").asLong();
        String name = stored.json().get("displayName").asText();
        String seen = w.userId + ": " + w.acknowledged + " acknowledged, " + w.unknownOutcome;
        assertEquals(
            w.acknowledged, w.acknowledgedVersions.size(), seen + ": a version acknowledged twice");
        assertTrue(
            version >= w.acknowledged
                && w.acknowledgedVersions.stream().allMatch(v -> v <= version),
            seen + " answered 503; stored version " + version + ": an acknowledged write is lost");
        assertTrue(
            version <= w.acknowledged + w.unknownOutcome,
            seen + " answered 503; stored version " + version + ": a write applied twice");
        assertTrue(
            name.equals(w.sent.get(w.lastAcknowledged))
                || (w.answered503.contains(name) && w.sent.indexOf(name) > w.lastAcknowledged),
            seen
                + ": stored '"
                + name
                + "' is neither the last acknowledged write nor one answered 503 after it");
      }
      assertTrue(duringOutage.get() > 0, "no request met the outage");
      System.out.printf(
          "reliability faults: DynamoDB engine killed and restarted: %d writes acknowledged, %d"
              + " answered 503 (outcome unknown), %d answers during the outage, all 503 with"
              + " Retry-After; every acknowledged write found%n",
          acknowledged, unknown, duringOutage.get());
    }
  }

  /**
   * Writes until the test's last phase: without {@code If-Match} and with the last version it
   * knows, alternately; follows {@code Retry-After} after a 503, reads the version again after a
   * 412 (a write answered 503 may have been applied).
   */
  private static Void write(Writer w, AtomicInteger phase, AtomicInteger duringOutage)
      throws Exception {
    for (int i = 0; phase.get() < 3; i++) {
      int at = phase.get();
      String name = "w" + i;
      w.sent.add(name);
      String body = "{\"displayName\":\"" + name + "\"}";
      Api.Reply r =
          i % 2 == 1 && w.lastVersion > 0
              ? send(
                  "PUT",
                  "/profiles/" + w.userId,
                  body,
                  "Authorization",
                  w.bearer,
                  "If-Match",
                  "\"" + w.lastVersion + "\"")
              : send("PUT", "/profiles/" + w.userId, body, "Authorization", w.bearer);
      int status = r.status();
      if (at == 1 && phase.get() == 1) {
        // Sent and answered while the engine was gone: only a 503 with Retry-After (or the
        // stage's throttle) may come back.
        if (status != 429) {
          Checks.answer(r, 503);
        }
        duringOutage.incrementAndGet();
      }
      switch (status) {
        case 200, 201 -> {
          Checks.answer(r, status);
          w.acknowledged++;
          w.lastAcknowledged = i;
          w.lastVersion = r.json().get("version").asLong();
          w.acknowledgedVersions.add((int) w.lastVersion);
          if (at == 2) {
            w.acknowledgedAfterRestart++;
          }
        }
        case 503 -> {
          Checks.answer(r, 503);
          long retryAfter = Long.parseLong(r.header("Retry-After"));
          assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
          w.unknownOutcome++;
          w.answered503.add(name);
          Thread.sleep(Math.min(retryAfter, 1) * 1000);
        }
        case 412 -> {
          Checks.answer(r, 412);
          Api.Reply now = send("GET", "/profiles/" + w.userId, null, "Authorization", w.bearer);
          if (now.status() == 200) {
            w.lastVersion = now.json().get("version").asLong();
          }
        }
        default -> Checks.answer(r, 429); // the stage's throttle, nothing else
      }
    }
    return null;
  }

  private static Api.Reply send(String method, String path, String body, String... headers) {
    return body == null
        ? Api.sendTo(runner.baseUrl(), method, path, null, headers)
        : Api.jsonTo(runner.baseUrl(), method, path, body, headers);
  }

  private static void fault(String body) throws Exception {
    ReliabilityFaultTest.fault(runner.baseUrl(), body);
  }
}
