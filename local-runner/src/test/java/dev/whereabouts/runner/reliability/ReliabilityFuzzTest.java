package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.runner.acceptance.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Generated hostile input over every route, through the local runner's sockets (see {@link
 * Fuzzer}). For every input: never a 5xx; an error is always a problem+json 4xx whose requestId is
 * the answer's request id; no stack trace or internal name; and a refused request leaves the stored
 * profiles and locations as they were. Sizes: {@link Size} (inputs, and clients sending them at
 * once, each with its own users); a failure names its input number, which {@code
 * -Dreliability.fuzz.only=N} replays alone.
 */
class ReliabilityFuzzTest {
  private static final Pattern INTERNALS =
      Pattern.compile(
          "Exception|\\tat |dev\\.whereabouts|software\\.amazon|com\\.fasterxml|java\\.|jdk\\."
              + "|ConditionalCheckFailed|ResourceNotFound|dynalite|Caused by");

  @Test
  void hostileInputNeverBreaksTheContract() throws Exception {
    World.local("raw sockets and a look at the stored items");
    Size size = Size.current();
    Integer only = Integer.getInteger("reliability.fuzz.only");
    int from = only == null ? 0 : only;
    int to = only == null ? size.fuzzInputs() : only + 1;
    // Each client fuzzes its own two users with the inputs i = client (mod clients), so what one
    // client's refused input must leave unchanged is never another client's to change.
    int clients = only == null ? size.fuzzClients() : 1;
    List<Shard> shards = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      shards.add(new Shard(size.seed()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Shard shard = shards.get(c);
      int first = from + c;
      running.add(pool.submit(() -> shard.run(first, to, clients)));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Shard shard : shards) {
      shard.statuses.forEach((k, v) -> statuses.merge(k, v, Integer::sum));
      failures.addAll(shard.failures);
    }
    System.out.println(
        "reliability fuzz: seed "
            + size.seed()
            + ", inputs "
            + (to - from)
            + " from "
            + clients
            + " client(s), statuses "
            + statuses
            + ", failures "
            + failures.size());
    assertEquals(List.of(), failures, "inputs that broke the contract");
  }

  /** One client: its own owner and other user, the inputs given to it, what it saw. */
  private static final class Shard {
    final Map<Integer, Integer> statuses = new TreeMap<>();
    final List<String> failures = new ArrayList<>();
    final World.User owner = World.register("fz-owner");
    final World.User other = World.register("fz-other");
    final Fuzzer fuzzer;

    Shard(long seed) {
      String ownerBearer = owner.bearer();
      World.json(
          "PUT",
          "/profiles/" + owner.id(),
          "{\"displayName\":\"O\"}",
          "Authorization",
          ownerBearer);
      World.json(
          "PUT",
          "/locations/" + owner.id(),
          "{\"latitude\":1,\"longitude\":2}",
          "Authorization",
          ownerBearer);
      fuzzer =
          new Fuzzer(seed, owner.id(), other.id(), ownerBearer.substring(7), World.login(other));
    }

    void run(int first, int to, int step) {
      Map<String, Optional<Map<String, AttributeValue>>> stored = snapshot(owner.id(), other.id());
      for (int i = first; i < to && failures.size() < 25; i += step) {
        Fuzzer.Input input = fuzzer.input(i);
        Api.Reply reply;
        try {
          reply =
              Transcript.response(
                  Raw.socket(input.method(), input.target(), input.headers(), input.body()));
        } catch (RuntimeException e) {
          failures.add(input + " -> no answer: " + e.getMessage());
          continue;
        }
        statuses.merge(reply.status(), 1, Integer::sum);
        String problem = violation(input, reply);
        if (problem != null) {
          failures.add(input + " -> " + problem);
        }
        if (reply.status() < 300) {
          stored = snapshot(owner.id(), other.id());
          if (input.method().equals("DELETE") && input.target().contains("/auth/tokens")) {
            fuzzer.tokens(World.login(owner), World.login(other));
          }
        } else if (reply.status() >= 400) {
          Map<String, Optional<Map<String, AttributeValue>>> now = snapshot(owner.id(), other.id());
          if (!now.equals(stored)) {
            failures.add(input + " -> refused with " + reply.status() + " but stored data changed");
            stored = now;
          }
        }
      }
    }
  }

  /** What is wrong with an answer, or null. */
  static String violation(Fuzzer.Input input, Api.Reply reply) {
    int status = reply.status();
    if (status >= 500) {
      return "a " + status + ": " + reply.raw().body();
    }
    String body = reply.raw().body();
    if (INTERNALS.matcher(body).find()) {
      return "internals in the answer: " + body;
    }
    String id =
        reply.header("X-Request-Id") != null
            ? reply.header("X-Request-Id")
            : reply.header("x-amzn-RequestId");
    if (id == null) {
      return "no request id header on a " + status;
    }
    if (status < 400 || input.method().equals("HEAD")) {
      return null;
    }
    String type = reply.header("Content-Type");
    if (type == null || !type.startsWith("application/problem+json")) {
      return status + " with Content-Type " + type + ": " + body;
    }
    if (reply.json() == null) {
      return status + " whose body is not JSON: " + body;
    }
    for (String field : new String[] {"type", "title", "status", "detail", "requestId"}) {
      if (!reply.json().has(field)) {
        return status + " problem without '" + field + "': " + body;
      }
    }
    if (reply.json().get("status").asInt() != status) {
      return "status " + status + " but the problem says " + reply.json().get("status");
    }
    if (!id.equals(reply.json().get("requestId").asText())) {
      return "requestId " + reply.json().get("requestId") + " is not the answer's id " + id;
    }
    return null;
  }

  private static Map<String, Optional<Map<String, AttributeValue>>> snapshot(String... users) {
    Map<String, Optional<Map<String, AttributeValue>>> items = new TreeMap<>();
    for (String u : users) {
      items.put("profile " + u, World.item("profile", "userId", u));
      items.put("location " + u, World.item("location", "userId", u));
    }
    return items;
  }
}
