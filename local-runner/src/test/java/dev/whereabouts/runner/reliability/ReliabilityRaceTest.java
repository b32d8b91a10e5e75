package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that race through the gateway. Overlap is forced with barriers (every racer is released
 * at once), never with sleeps; the assertions are about outcomes, never about timing.
 */
class ReliabilityRaceTest {
  private static ExecutorService pool;

  @BeforeAll
  static void threads() {
    pool = Executors.newFixedThreadPool(24);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** Runs every task released at the same moment; returns their results in order. */
  private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    CyclicBarrier start = new CyclicBarrier(tasks.size());
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                return task.call();
              }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(120, TimeUnit.SECONDS));
    }
    return results;
  }

  @Test
  void twoRegistrationsOfOneUserIdMakeExactlyOneAccount() throws Exception {
    for (int round = 0; round < 3; round++) {
      String userId = Api.newUserId("twin");
      String first = Transcript.password();
      String second = Transcript.password();
      List<Api.Reply> replies =
          race(
              List.of(
                  () -> World.json("POST", "/auth/users", World.credentials(userId, first)),
                  () -> World.json("POST", "/auth/users", World.credentials(userId, second))));
      List<Integer> statuses = replies.stream().map(Api.Reply::status).sorted().toList();
      assertEquals(List.of(201, 409), statuses, "exactly one registration wins");
      Api.Reply loser = replies.get(0).status() == 409 ? replies.get(0) : replies.get(1);
      Checks.answer(loser, 409);
      String winner = replies.get(0).status() == 201 ? first : second;
      String other = winner.equals(first) ? second : first;
      assertEquals(
          201,
          World.json("POST", "/auth/tokens", World.credentials(userId, winner)).status(),
          "the winner's password is the stored one");
      assertEquals(
          401, World.json("POST", "/auth/tokens", World.credentials(userId, other)).status());
    }
  }

  @Test
  void concurrentWrongPasswordsAreAllCountedAndLockTheAccount() throws Exception {
    World.User u = World.register("guess");
    List<Callable<Api.Reply>> guesses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      guesses.add(
          () -> World.json("POST", "/auth/tokens", World.credentials(u.id(), "wrong password!")));
    }
    List<Api.Reply> replies = race(guesses);
    long refused = replies.stream().filter(r -> r.status() == 401).count();
    for (Api.Reply r : replies) {
      assertTrue(r.status() == 401 || r.status() == 429, "a guess got " + r.status());
      Checks.answer(r, r.status());
    }
    assertTrue(refused <= 5, refused + " guesses were answered 401: failures were lost");
    Api.Reply right = World.json("POST", "/auth/tokens", World.credentials(u.id(), u.password()));
    Checks.answer(right, 429);
  }

  @Test
  void theRightPasswordRacingWrongOnesNeverLetsAWrongOneIn() throws Exception {
    World.User u = World.register("race-pw");
    List<Callable<Api.Reply>> attempts = new ArrayList<>();
    attempts.add(() -> World.json("POST", "/auth/tokens", World.credentials(u.id(), u.password())));
    for (int i = 0; i < 8; i++) {
      attempts.add(
          () -> World.json("POST", "/auth/tokens", World.credentials(u.id(), "wrong password!")));
    }
    List<Api.Reply> replies = race(attempts);
    int right = replies.get(0).status();
    assertTrue(right == 201 || right == 429, "the right password got " + right);
    long wrongRefused = 0;
    for (Api.Reply r : replies.subList(1, replies.size())) {
      assertTrue(r.status() == 401 || r.status() == 429, "a wrong password got " + r.status());
      wrongRefused += r.status() == 401 ? 1 : 0;
    }
    // A success resets the count once: at most 5 failures before it and 5 after it.
    assertTrue(wrongRefused <= 10, wrongRefused + " wrong passwords answered 401");
  }

  @Test
  void nothingSucceedsWithATokenAfterItsRevocationWasAnswered() throws Exception {
    World.User u = World.register("revoke");
    String token = u.bearer();
    World.json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"R\"}", "Authorization", token);
    AtomicBoolean revoked = new AtomicBoolean();
    AtomicInteger afterRevoke = new AtomicInteger();
    AtomicInteger successesAfterRevoke = new AtomicInteger();
    CountDownLatch someBefore = new CountDownLatch(4);
    int writers = 4;
    CyclicBarrier start = new CyclicBarrier(writers + 1);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      running.add(
          pool.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                // Keep writing until 10 requests of this writer began after the revocation.
                int mine = 0;
                while (mine < 10) {
                  boolean startedAfter = revoked.get();
                  Api.Reply r =
                      World.json(
                          "PUT",
                          "/profiles/" + u.id(),
                          "{\"displayName\":\"W\"}",
                          "Authorization",
                          token);
                  someBefore.countDown();
                  if (startedAfter) {
                    mine++;
                    afterRevoke.incrementAndGet();
                    if (r.status() < 300) {
                      successesAfterRevoke.incrementAndGet();
                    }
                  }
                  assertTrue(r.status() < 500, "a " + r.status());
                }
                return null;
              }));
    }
    start.await(30, TimeUnit.SECONDS);
    assertTrue(someBefore.await(60, TimeUnit.SECONDS), "requests ran before the revocation");
    Checks.answer(World.send("DELETE", "/auth/tokens/current", null, "Authorization", token), 204);
    revoked.set(true);
    for (Future<?> f : running) {
      f.get(120, TimeUnit.SECONDS);
    }
    assertEquals(writers * 10, afterRevoke.get());
    assertEquals(0, successesAfterRevoke.get(), "requests begun after the revocation succeeded");
  }

  @Test
  void aPutWithIfMatchRacingADeleteNeverRecreatesTheItem() throws Exception {
    World.User u = World.register("del-ifm");
    String bearer = u.bearer();
    for (int round = 0; round < 5; round++) {
      Api.Reply created =
          World.json(
              "PUT", "/profiles/" + u.id(), "{\"displayName\":\"A\"}", "Authorization", bearer);
      String etag = created.header("ETag");
      List<Api.Reply> replies =
          race(
              List.of(
                  () ->
                      World.json(
                          "PUT",
                          "/profiles/" + u.id(),
                          "{\"displayName\":\"B\"}",
                          "Authorization",
                          bearer,
                          "If-Match",
                          etag),
                  () ->
                      World.send("DELETE", "/profiles/" + u.id(), null, "Authorization", bearer)));
      int put = replies.get(0).status();
      assertTrue(put == 200 || put == 412, "the PUT got " + put);
      Checks.answer(replies.get(1), 204);
      Checks.answer(World.send("GET", "/profiles/" + u.id(), null), 404);
    }
  }

  @Test
  void aPutRacingADeleteLeavesNothingOrANewItemAtVersionOne() throws Exception {
    World.User u = World.register("del-put");
    String bearer = u.bearer();
    for (int round = 0; round < 5; round++) {
      World.json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"A\"}", "Authorization", bearer);
      World.json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"A\"}", "Authorization", bearer);
      List<Api.Reply> replies =
          race(
              List.of(
                  () ->
                      World.json(
                          "PUT",
                          "/profiles/" + u.id(),
                          "{\"displayName\":\"B\"}",
                          "Authorization",
                          bearer),
                  () ->
                      World.send("DELETE", "/profiles/" + u.id(), null, "Authorization", bearer)));
      Api.Reply put = replies.get(0);
      assertTrue(put.status() < 500, "the PUT got " + put.status());
      Checks.answer(replies.get(1), 204);
      // Authorization: read what is stored, past the profile function's 2 s cache.
      Api.Reply after = World.send("GET", "/profiles/" + u.id(), null, "Authorization", bearer);
      if (after.status() == 200) {
        assertEquals(1, after.json().get("version").asInt(), "a PUT after the DELETE starts at 1");
        assertEquals(201, put.status(), "the stored item is the one the PUT created");
        assertEquals("B", after.json().get("displayName").asText());
      } else {
        Checks.answer(after, 404);
      }
      World.send("DELETE", "/profiles/" + u.id(), null, "Authorization", bearer);
    }
  }

  @Test
  void manyWritersWithoutIfMatchLoseNoAcknowledgedWrite() throws Exception {
    manyWriters(false);
  }

  @Test
  void manyWritersWithIfMatchLoseNoAcknowledgedWrite() throws Exception {
    manyWriters(true);
  }

  private static void manyWriters(boolean ifMatch) throws Exception {
    World.User u = World.register(ifMatch ? "w-ifm" : "w-blind");
    String bearer = u.bearer();
    String path = "/profiles/" + u.id();
    int writers = 6;
    int writesEach = 8;
    Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
    if (ifMatch) {
      Api.Reply seed =
          Checks.answer(
              World.json("PUT", path, "{\"displayName\":\"seed\"}", "Authorization", bearer), 201);
      acknowledged.put(seed.json().get("version").asInt(), "seed");
    }
    AtomicInteger conflicts = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      tasks.add(
          () -> {
            for (int n = 0; n < writesEach; n++) {
              String name = "w" + writer + "-" + n;
              String body = "{\"displayName\":\"" + name + "\"}";
              while (true) {
                List<String> headers = new ArrayList<>(List.of("Authorization", bearer));
                if (ifMatch) {
                  Api.Reply current = Checks.answer(World.send("GET", path, null), 200);
                  headers.add("If-Match");
                  headers.add("\"" + current.json().get("version").asInt() + "\"");
                }
                Api.Reply r = World.json("PUT", path, body, headers.toArray(String[]::new));
                if (r.status() == 412 && ifMatch) {
                  Checks.answer(r, 412);
                  conflicts.incrementAndGet();
                  continue;
                }
                Checks.answer(r, r.status() == 201 ? 201 : 200);
                String previous = acknowledged.put(r.json().get("version").asInt(), name);
                assertEquals(null, previous, "two acknowledged writes got one version");
                break;
              }
            }
            return null;
          });
    }
    race(tasks);
    int total = writers * writesEach + (ifMatch ? 1 : 0);
    assertEquals(total, acknowledged.size());
    Api.Reply stored = Checks.answer(World.send("GET", path, null), 200);
    assertEquals(total, stored.json().get("version").asInt(), "every acknowledged write counted");
    for (int v = 1; v <= total; v++) {
      assertTrue(acknowledged.containsKey(v), "version " + v + " was never acknowledged");
    }
    assertEquals(
        acknowledged.get(total),
        stored.json().get("displayName").asText(),
        "the stored item is the last acknowledged write");
    System.out.println(
        "reliability races: "
            + total
            + " writes "
            + (ifMatch
                ? "with If-Match, " + conflicts.get() + " conflicts answered 412 and retried"
                : "without If-Match")
            + ", versions 1.."
            + total
            + " each acknowledged once");
  }
}
