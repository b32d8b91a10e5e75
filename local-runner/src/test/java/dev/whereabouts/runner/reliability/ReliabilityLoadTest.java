package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Clients doing what clients do, for a fixed time: register, log in, write their profile and
 * location with and without {@code If-Match}, read public profiles, ask for unknown ones. Each user
 * belongs to one client, so every write of a client to its own items must be acknowledged, and
 * afterwards each item's version must equal the number of its acknowledged writes. Latency
 * percentiles go to the console and to {@code target/reliability/load.txt}; they are reported,
 * never asserted.
 */
class ReliabilityLoadTest {
  private static final String[] OPS = {
    "register",
    "login",
    "profile put",
    "profile put If-Match",
    "location put",
    "location put If-Match",
    "profile get",
    "profile get unknown"
  };

  /** A user of one client, with the acknowledged writes of its two items. */
  private static final class Account {
    final World.User user;
    String bearer;
    int profileWrites;
    int locationWrites;

    Account(World.User user, String bearer) {
      this.user = user;
      this.bearer = bearer;
    }
  }

  private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();

  @Test
  void aRealisticMixLosesNothingAndNeverFails() throws Exception {
    Size size = Size.current();
    int clients = size.loadClients();
    List<List<Account>> accounts = new ArrayList<>();
    List<String> everyone = new CopyOnWriteArrayList<>();
    for (int c = 0; c < clients; c++) {
      List<Account> mine = new ArrayList<>();
      World.User u = World.register("load" + c);
      mine.add(new Account(u, u.bearer()));
      everyone.add(u.id());
      accounts.add(mine);
    }
    for (String op : OPS) {
      latencies.put(op, java.util.Collections.synchronizedList(new ArrayList<>()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CyclicBarrier start = new CyclicBarrier(clients);
    long[] until = new long[1];
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      running.add(
          pool.submit(
              () -> {
                start.await(60, TimeUnit.SECONDS);
                synchronized (until) {
                  if (until[0] == 0) {
                    until[0] = System.nanoTime() + size.load().toNanos();
                  }
                }
                Random random = new Random(size.seed() * 31 + client);
                List<Account> mine = accounts.get(client);
                while (System.nanoTime() < until[0]) {
                  step(random, client, mine, everyone);
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get(size.load().toSeconds() + 300, TimeUnit.SECONDS);
    }
    pool.shutdown();

    // Every acknowledged write is accounted for.
    int items = 0;
    long writes = 0;
    List<String> lost = new ArrayList<>();
    for (List<Account> mine : accounts) {
      for (Account a : mine) {
        if (a.profileWrites > 0) {
          // With Authorization the public read skips the profile function's 2 s cache: this checks
          // what is stored, not what a cache may still show within the contract's 10 s.
          Api.Reply p =
              World.send("GET", "/profiles/" + a.user.id(), null, "Authorization", a.bearer);
          int version = p.status() == 200 ? p.json().get("version").asInt() : 0;
          if (version != a.profileWrites) {
            lost.add(
                a.user.id() + " profile: version " + version + ", acknowledged " + a.profileWrites);
          }
          items++;
          writes += a.profileWrites;
        }
        if (a.locationWrites > 0 && World.isLocal()) {
          Api.Reply l =
              World.signed("ProfileFunction", "GET", "/locations/" + a.user.id(), null, false);
          int version = l.status() == 200 ? l.json().get("version").asInt() : 0;
          if (version != a.locationWrites) {
            lost.add(
                a.user.id()
                    + " location: version "
                    + version
                    + ", acknowledged "
                    + a.locationWrites);
          }
          items++;
          writes += a.locationWrites;
        }
      }
    }
    String report = report(size, clients, items, writes);
    System.out.println(report);
    Path out = Path.of("target", "reliability");
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve("load.txt"), report);
    } catch (IOException e) {
      System.out.println("load report not written: " + e.getMessage());
    }
    assertTrue(requests.get() > clients, "the clients ran");
    assertEquals(List.of(), unexpected.stream().limit(20).toList(), "unexpected answers");
    assertEquals(List.of(), lost, "items whose version is not their acknowledged writes");
  }

  private void step(Random random, int client, List<Account> mine, List<String> everyone) {
    Account a = mine.get(random.nextInt(mine.size()));
    int dice = random.nextInt(100);
    if (dice < 2) {
      World.User u = new World.User(Api.newUserId("load" + client), Transcript.password());
      Api.Reply r =
          timed(
              "register",
              () -> World.json("POST", "/auth/users", World.credentials(u.id(), u.password())));
      if (expect(r, "register", 201)) {
        Api.Reply login =
            timed(
                "login",
                () -> World.json("POST", "/auth/tokens", World.credentials(u.id(), u.password())));
        if (expect(login, "login", 201)) {
          mine.add(new Account(u, "Bearer " + login.json().get("accessToken").asText()));
          everyone.add(u.id());
        }
      }
    } else if (dice < 5) {
      Api.Reply login =
          timed(
              "login",
              () ->
                  World.json(
                      "POST", "/auth/tokens", World.credentials(a.user.id(), a.user.password())));
      if (expect(login, "login", 201)) {
        a.bearer = "Bearer " + login.json().get("accessToken").asText();
      }
    } else if (dice < 30) {
      boolean ifMatch = a.profileWrites > 0 && random.nextBoolean();
      String op = ifMatch ? "profile put If-Match" : "profile put";
      String body = "{\"displayName\":\"L" + random.nextInt(1000) + "\",\"bio\":\"load\"}";
      Api.Reply r =
          timed(
              op,
              () ->
                  ifMatch
                      ? World.json(
                          "PUT",
                          "/profiles/" + a.user.id(),
                          body,
                          "Authorization",
                          a.bearer,
                          "If-Match",
                          "\"" + a.profileWrites + "\"")
                      : World.json(
                          "PUT", "/profiles/" + a.user.id(), body, "Authorization", a.bearer));
      if (expect(r, op, a.profileWrites == 0 ? 201 : 200)) {
        a.profileWrites++;
        if (r.json().get("version").asInt() != a.profileWrites) {
          unexpected.add(
              op + " of " + a.user.id() + " answered version " + r.json().get("version"));
        }
      }
    } else if (dice < 55) {
      boolean ifMatch = a.locationWrites > 0 && random.nextBoolean();
      String op = ifMatch ? "location put If-Match" : "location put";
      String body =
          "{\"latitude\":"
              + (random.nextDouble() * 180 - 90)
              + ",\"longitude\":"
              + (random.nextDouble() * 360 - 180)
              + "}";
      Api.Reply r =
          timed(
              op,
              () ->
                  ifMatch
                      ? World.json(
                          "PUT",
                          "/locations/" + a.user.id(),
                          body,
                          "Authorization",
                          a.bearer,
                          "If-Match",
                          "\"" + a.locationWrites + "\"")
                      : World.json(
                          "PUT", "/locations/" + a.user.id(), body, "Authorization", a.bearer));
      if (expect(r, op, 200)) {
        a.locationWrites++;
        if (r.json().get("version").asInt() != a.locationWrites) {
          unexpected.add(
              op + " of " + a.user.id() + " answered version " + r.json().get("version"));
        }
      }
    } else if (dice < 92) {
      String id = everyone.get(random.nextInt(everyone.size()));
      Api.Reply r = timed("profile get", () -> World.send("GET", "/profiles/" + id, null));
      if (r.status() != 200 && r.status() != 404 && r.status() != 429) {
        unexpected.add("profile get " + id + ": " + r.status() + " " + r.raw().body());
      }
    } else {
      Api.Reply r =
          timed(
              "profile get unknown",
              () -> World.send("GET", "/profiles/" + Api.newUserId("nobody"), null));
      expect(r, "profile get unknown", 404);
    }
  }

  /** Whether the answer is the expected one; a throttled 429 is allowed and not acknowledged. */
  private boolean expect(Api.Reply r, String op, int status) {
    if (r.status() == status) {
      return true;
    }
    if (r.status() != 429) {
      unexpected.add(op + ": " + r.status() + " instead of " + status + " " + r.raw().body());
    }
    return false;
  }

  private Api.Reply timed(String op, java.util.function.Supplier<Api.Reply> call) {
    long start = System.nanoTime();
    Api.Reply r = call.get();
    latencies.get(op).add(System.nanoTime() - start);
    statuses.computeIfAbsent(r.status(), k -> new AtomicInteger()).incrementAndGet();
    requests.incrementAndGet();
    if (r.status() >= 500) {
      unexpected.add(op + ": a " + r.status() + " " + r.raw().body());
    }
    if (r.status() == 429) {
      backOff();
    }
    return r;
  }

  /**
   * A throttled client waits a little, as real clients back off, instead of spinning on 429s (the
   * template's stage throttle answers them without the functions).
   */
  private static void backOff() {
    try {
      Thread.sleep(20 + java.util.concurrent.ThreadLocalRandom.current().nextInt(80));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String report(Size size, int clients, int items, long writes) {
    StringBuilder b = new StringBuilder();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    statuses.forEach((k, v) -> byStatus.put(k, v.get()));
    b.append(
        String.format(
            "reliability load (%s): %d clients for %d s, %d requests (%.0f/s), statuses %s,"
                + " %d items verified holding %d acknowledged writes%n",
            size.name(),
            clients,
            size.load().toSeconds(),
            requests.get(),
            requests.get() / (double) size.load().toSeconds(),
            byStatus,
            items,
            writes));
    b.append(
        String.format(
            "  %-22s %8s %8s %8s %8s %8s%n",
            "op", "count", "p50 ms", "p90 ms", "p99 ms", "max ms"));
    for (String op : OPS) {
      long[] sorted;
      synchronized (latencies.get(op)) {
        sorted = latencies.get(op).stream().mapToLong(Long::longValue).sorted().toArray();
      }
      if (sorted.length == 0) {
        continue;
      }
      b.append(
          String.format(
              "  %-22s %8d %8.1f %8.1f %8.1f %8.1f%n",
              op,
              sorted.length,
              pct(sorted, 50),
              pct(sorted, 90),
              pct(sorted, 99),
              sorted[sorted.length - 1] / 1e6));
    }
    return b.toString();
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
