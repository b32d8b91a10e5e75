package dev.whereabouts.auth;

import static dev.whereabouts.auth.AuthRequests.login;
import static dev.whereabouts.auth.AuthRequests.register;
import static dev.whereabouts.auth.AuthRequests.token;
import static dev.whereabouts.auth.AuthRequests.withoutRequestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lock-out, ghosts, concurrency and rehashing. A low Argon2 cost keeps these fast: what is under
 * test is the counting, not the hash (AuthHandlerTest and PasswordsTest use the real cost).
 */
@ExtendWith(SecretScan.class)
class LockoutTest {
  /**
   * The tests' fixed "now". Far in the future on purpose: DynamoDB Local's TTL sweeper deletes
   * items whose expiresAt has passed in real time, which would make ghosts and tokens vanish
   * mid-test.
   */
  private static final Instant START = Instant.parse("2099-11-23T10:15:30.123Z");

  private static final Passwords.Cost CHEAP = new Passwords.Cost(256, 1, 1);
  private static final String PASSWORD = "the right password";
  private static final String WRONG = "a wrong password";

  private TestClock clock;
  private Passwords passwords;
  private AuthHandler handler;
  private AuthTable storage;

  @BeforeEach
  void handler() {
    handlerWithCost(CHEAP);
  }

  private void handlerWithCost(Passwords.Cost cost) {
    String table = AuthRequests.newTable();
    clock = new TestClock(START);
    passwords = new Passwords(cost);
    handler = new AuthHandler(Environment.of(AuthRequests.environment(table)), clock, passwords);
    storage = new AuthTable(LocalDynamoDb.client(), table);
  }

  private APIGatewayProxyResponseEvent call(APIGatewayProxyRequestEvent event) {
    return StreamInvocations.call(handler, event);
  }

  private void failFiveTimes(String userId) {
    for (int i = 1; i <= Users.MAX_FAILURES; i++) {
      APIGatewayProxyResponseEvent response = call(login(userId, WRONG));
      assertEquals(401, response.getStatusCode(), "failure " + i + " is still a 401");
    }
  }

  @Test
  void fiveFailuresLockAUserEvenAgainstTheRightPassword() {
    assertEquals(201, call(register("anna", PASSWORD)).getStatusCode());
    failFiveTimes("anna");
    long hashes = passwords.computations();
    APIGatewayProxyResponseEvent locked = call(login("anna", PASSWORD));
    assertEquals(429, locked.getStatusCode());
    assertEquals("900", locked.getHeaders().get("Retry-After"));
    assertEquals("application/problem+json", locked.getHeaders().get("Content-Type"));
    assertEquals(hashes, passwords.computations(), "a locked userId costs no hash");
  }

  @Test
  void anUnknownUserIdLocksExactlyLikeAKnownOne() {
    assertEquals(201, call(register("bert", PASSWORD)).getStatusCode());
    failFiveTimes("bert");
    failFiveTimes("nobody");
    APIGatewayProxyResponseEvent known = call(login("bert", PASSWORD));
    APIGatewayProxyResponseEvent unknown = call(login("nobody", PASSWORD));
    assertEquals(429, unknown.getStatusCode());
    assertEquals("900", unknown.getHeaders().get("Retry-After"));
    assertEquals(withoutRequestId(known), withoutRequestId(unknown));
    assertEquals(known.getHeaders().get("Retry-After"), unknown.getHeaders().get("Retry-After"));
  }

  @Test
  void theLockLiftsAfterFifteenMinutes() {
    assertEquals(201, call(register("carl", PASSWORD)).getStatusCode());
    failFiveTimes("carl");
    clock.advance(Users.LOCK_DURATION.minusSeconds(1));
    APIGatewayProxyResponseEvent almost = call(login("carl", PASSWORD));
    assertEquals(429, almost.getStatusCode());
    assertEquals("1", almost.getHeaders().get("Retry-After"));
    clock.advance(Duration.ofSeconds(1));
    APIGatewayProxyResponseEvent response = call(login("carl", PASSWORD));
    assertEquals(201, response.getStatusCode(), response.getBody());
    token(response);
    Account account = storage.account("carl").orElseThrow();
    assertEquals(0, account.failures());
    assertTrue(account.lockedUntil().isEmpty());
  }

  @Test
  void afterTheLockTheCountStartsAgain() {
    assertEquals(201, call(register("dora", PASSWORD)).getStatusCode());
    failFiveTimes("dora");
    clock.advance(Users.LOCK_DURATION);
    failFiveTimes("dora");
    assertEquals(429, call(login("dora", PASSWORD)).getStatusCode());
  }

  @Test
  void aSuccessResetsTheCount() {
    assertEquals(201, call(register("erik", PASSWORD)).getStatusCode());
    for (int i = 0; i < Users.MAX_FAILURES - 1; i++) {
      assertEquals(401, call(login("erik", WRONG)).getStatusCode());
    }
    assertEquals(4, storage.account("erik").orElseThrow().failures());
    token(call(login("erik", PASSWORD)));
    assertEquals(0, storage.account("erik").orElseThrow().failures());
    for (int i = 0; i < Users.MAX_FAILURES - 1; i++) {
      assertEquals(401, call(login("erik", WRONG)).getStatusCode());
    }
    APIGatewayProxyResponseEvent response = call(login("erik", PASSWORD));
    assertEquals(201, response.getStatusCode(), "four failures after a success do not lock");
    token(response);
  }

  @Test
  void theRightPasswordOnTheLastAllowedAttemptStillSucceeds() {
    assertEquals(201, call(register("fred", PASSWORD)).getStatusCode());
    for (int i = 0; i < Users.MAX_FAILURES - 1; i++) {
      assertEquals(401, call(login("fred", WRONG)).getStatusCode());
    }
    APIGatewayProxyResponseEvent fifth = call(login("fred", PASSWORD));
    assertEquals(201, fifth.getStatusCode());
    token(fifth);
    Account account = storage.account("fred").orElseThrow();
    assertTrue(account.lockedUntil().isEmpty(), "the success lifted the provisional lock");
    assertEquals(0, account.failures());
  }

  @Test
  void theFifthFailureCountsAccountLockedOnce() throws Exception {
    assertEquals(201, call(register("gina", PASSWORD)).getStatusCode());
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      failFiveTimes("gina");
      call(login("gina", WRONG));
    } finally {
      System.setOut(original);
    }
    List<JsonNode> emf = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
      JsonNode node = Jackson.MAPPER.readTree(line);
      if (node.has("_aws")) {
        emf.add(node);
      }
    }
    assertEquals(5, emf.size(), "the 429 counts nothing");
    for (int i = 0; i < 5; i++) {
      assertEquals(1.0, emf.get(i).get(AuthHandler.LOGIN_FAILED).asDouble());
      assertEquals(i == 4, emf.get(i).has(AuthHandler.ACCOUNT_LOCKED), "line " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void parallelGuessesNeverRunMoreThanFiveVerifications(boolean registered) throws Exception {
    String userId = registered ? "hans" : "ghost-hans";
    if (registered) {
      assertEquals(201, call(register(userId, PASSWORD)).getStatusCode());
    }
    long before = passwords.computations();
    int threads = 12;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> statuses = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        statuses.add(
            pool.submit(
                () -> {
                  start.await();
                  return call(login(userId, WRONG)).getStatusCode();
                }));
      }
      start.countDown();
      List<Integer> answers = new ArrayList<>();
      for (Future<Integer> f : statuses) {
        answers.add(f.get(60, TimeUnit.SECONDS));
      }
      Map<Integer, Long> counts =
          answers.stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertEquals(Map.of(401, 5L, 429, 7L), counts);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Users.MAX_FAILURES, passwords.computations() - before);
    assertTrue(storage.account(userId).orElseThrow().lockedAt(clock.instant()));
  }

  @Test
  void aHashBelowTheCurrentCostIsRaisedOnLogin() {
    Passwords.Cost current = new Passwords.Cost(1024, 2, 1);
    handlerWithCost(current);
    String old = new Passwords(CHEAP).hash(PASSWORD);
    SecretScan.remember(PASSWORD);
    assertTrue(storage.createUser("ines", old, START));

    APIGatewayProxyResponseEvent response = call(login("ines", PASSWORD));
    assertEquals(201, response.getStatusCode(), response.getBody());
    token(response);
    String stored = storage.account("ines").orElseThrow().passwordHash().orElseThrow();
    assertTrue(stored.startsWith("$argon2id$v=19$m=1024,t=2,p=1$"), "rehashed at today's cost");
    assertTrue(passwords.verify(PASSWORD, stored));

    long before = passwords.computations();
    token(call(login("ines", PASSWORD)));
    assertEquals(1, passwords.computations() - before, "a current hash is not rehashed again");
    assertEquals(stored, storage.account("ines").orElseThrow().passwordHash().orElseThrow());
  }

  @Test
  void anExpiredGhostCountsAsNothing() {
    for (int i = 0; i < Users.MAX_FAILURES - 1; i++) {
      assertEquals(401, call(login("jana", WRONG)).getStatusCode());
    }
    Account ghost = storage.account("jana").orElseThrow();
    assertFalse(ghost.registered());
    assertEquals(
        START.plus(Users.GHOST_LIFETIME).getEpochSecond(),
        ghost.expiresAt().orElseThrow().getEpochSecond());
    clock.advance(Users.GHOST_LIFETIME);
    // DynamoDB has not deleted it yet; it must count as gone.
    for (int i = 0; i < Users.MAX_FAILURES - 1; i++) {
      assertEquals(401, call(login("jana", WRONG)).getStatusCode());
    }
    assertEquals(4, storage.account("jana").orElseThrow().failures());
  }

  @Test
  void registrationReplacesAGhostWithoutItsTtlOrFailures() {
    failFiveTimes("karl");
    assertEquals(201, call(register("karl", PASSWORD)).getStatusCode());
    Account account = storage.account("karl").orElseThrow();
    assertTrue(account.registered());
    assertTrue(account.expiresAt().isEmpty(), "a user never gets a TTL");
    assertTrue(account.lockedUntil().isEmpty());
    assertEquals(0, account.failures());
    assertEquals(1, account.version());
    token(call(login("karl", PASSWORD)));
  }

  @Test
  void aGhostWriteNeverLandsOnAUserRegisteredMeanwhile() {
    assertEquals(401, call(login("lena", WRONG)).getStatusCode());
    Account ghost = storage.account("lena").orElseThrow();
    assertTrue(storage.createUser("lena", passwords.hash(PASSWORD), START));
    SecretScan.remember(PASSWORD);

    Optional<Account> written =
        storage.write(
            ghost
                .withFailures(2, Optional.empty())
                .withExpiresAt(START.plus(Users.GHOST_LIFETIME)));

    assertTrue(written.isEmpty(), "the ghost's conditional write must fail");
    Account user = storage.account("lena").orElseThrow();
    assertTrue(user.registered());
    assertTrue(user.expiresAt().isEmpty());
    assertEquals(0, user.failures());
  }

  @Test
  void aStaleWriteLosesToANewerOne() {
    assertEquals(201, call(register("mona", PASSWORD)).getStatusCode());
    Account read = storage.account("mona").orElseThrow();
    assertTrue(storage.write(read.withFailures(1, Optional.empty())).isPresent());
    assertTrue(storage.write(read.withFailures(3, Optional.empty())).isEmpty());
    assertEquals(1, storage.account("mona").orElseThrow().failures());
    assertEquals(2, storage.account("mona").orElseThrow().version());
  }
}
