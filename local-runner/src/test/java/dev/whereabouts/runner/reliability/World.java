package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the reliability suites do to the suite under test: requests (each kept in the {@link
 * Transcript}), users, SigV4-signed calls as a function, and — only against the local runner — the
 * few things no client can do (a token that has expired, an account deleted by an operator).
 */
final class World {
  static final String REGION = "eu-central-1";
  private static DynamoDbClient dynamoDb;

  private World() {}

  private static boolean warm;

  /** Sends a request and keeps its response in the transcript. */
  static Api.Reply send(String method, String path, String body, String... headers) {
    warmUp();
    return Transcript.response(Api.send(method, path, body, headers));
  }

  /** Sends a JSON body. */
  static Api.Reply json(String method, String path, String body, String... headers) {
    warmUp();
    return Transcript.response(Api.json(method, path, body, headers));
  }

  /**
   * Starts every function once before the suites judge any answer. A first invocation pays the cold
   * start (class loading, the SDK, JIT); on a 2-core machine shared by many builds it has taken
   * longer than the function's timeout (10 s for auth, 5 s for the authorizer), which API Gateway
   * answers with a 502 or 500. The suites are about the contract, not about cold starts
   * (bench/cold-start.sh measures those), so the warm-up may retry; it says how often it had to.
   */
  static synchronized void warmUp() {
    if (warm) {
      return;
    }
    warm = true;
    long start = System.nanoTime();
    String id = Api.newUserId("warm");
    String password = Transcript.password();
    String bearer =
        "Bearer "
            + warmLogin(
                () -> Api.json("POST", "/auth/tokens", credentials(id, password)), id, password);
    int[] attempts = {0};
    for (String[] call :
        new String[][] {
          {"PUT", "/profiles/" + id, "{\"displayName\":\"Warm\"}"},
          {"PUT", "/locations/" + id, "{\"latitude\":1,\"longitude\":2}"},
          {"GET", "/profiles/" + id, null}
        }) {
      for (int i = 0; i < 5; i++) {
        attempts[0]++;
        Api.Reply r =
            Transcript.response(
                call[2] == null
                    ? Api.send(call[0], call[1], null, "Authorization", bearer)
                    : Api.json(call[0], call[1], call[2], "Authorization", bearer));
        if (r.status() < 500) {
          break;
        }
      }
    }
    System.out.printf(
        "reliability warm-up: %d requests after the login, %.1f s%n",
        attempts[0], (System.nanoTime() - start) / 1e9);
  }

  /** Registers (retrying a cold start's 5xx) and logs in; returns the token. */
  private static String warmLogin(
      java.util.function.Supplier<Api.Reply> login, String id, String password) {
    for (int i = 0; i < 5; i++) {
      Api.Reply r = Transcript.response(Api.json("POST", "/auth/users", credentials(id, password)));
      if (r.status() == 201 || r.status() == 409) {
        break;
      }
    }
    for (int i = 0; i < 5; i++) {
      Api.Reply r = Transcript.response(login.get());
      if (r.status() == 201) {
        return r.json().get("accessToken").asText();
      }
    }
    throw new IllegalStateException("the warm-up could not log in: the suite does not answer");
  }

  static String credentials(String userId, String password) {
    return "{\"userId\":\"" + userId + "\",\"password\":\"" + password + "\"}";
  }

  /** A registered user with a password; {@link #login} gets tokens. */
  record User(String id, String password) {
    String bearer() {
      return "Bearer " + login(this);
    }
  }

  static User register(String prefix) {
    User u = new User(Api.newUserId(prefix), Transcript.password());
    int[] calls = {0};
    Api.Reply r =
        followingRetryAfter(
            () -> {
              calls[0]++;
              return json("POST", "/auth/users", credentials(u.id(), u.password()));
            });
    // A registration answered 503 may have been stored before its answer was lost: then the
    // retry finds the user (with this password) taken.
    boolean retriedIntoItself = calls[0] > 1 && r.status() == 409;
    assertTrue(r.status() == 201 || retriedIntoItself, r.status() + " " + r.raw().body());
    return u;
  }

  static String login(User u) {
    Api.Reply r =
        followingRetryAfter(() -> json("POST", "/auth/tokens", credentials(u.id(), u.password())));
    assertEquals(201, r.status(), r.raw().body());
    return r.json().get("accessToken").asText();
  }

  /**
   * A set-up call (a registration, a login), repeated as a client that follows {@code Retry-After}
   * would while the answer is a 503: on a 2-core machine shared with other builds a password hash
   * plus a write can outlast the SDK's 3 s call budget, which the function answers with 503. The
   * suites judge the contract, not this machine's load; a 503 that is under test is never retried.
   */
  static Api.Reply followingRetryAfter(java.util.function.Supplier<Api.Reply> call) {
    Api.Reply r = call.get();
    for (int i = 0; i < 5 && r.status() == 503 && r.header("Retry-After") != null; i++) {
      try {
        Thread.sleep(Math.min(5, Long.parseLong(r.header("Retry-After"))) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
      r = call.get();
    }
    return r;
  }

  /** The local runner, or the test is aborted (with this reason) against a deployed stage. */
  static LocalRunner local(String why) {
    SuiteUnderTest.baseUrl();
    LocalRunner runner = SuiteUnderTest.localRunner();
    Assumptions.assumeTrue(
        runner != null, "needs the local runner (" + why + "); not run against a deployed stage");
    return runner;
  }

  static boolean isLocal() {
    SuiteUnderTest.baseUrl();
    return SuiteUnderTest.localRunner() != null;
  }

  /** The local DynamoDB engine the functions use. */
  static synchronized DynamoDbClient dynamoDb() {
    if (dynamoDb == null) {
      dynamoDb =
          DynamoDbClient.builder()
              .endpointOverride(local("direct table access").dynamoDbEndpoint())
              .region(Region.of(REGION))
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
              .httpClient(UrlConnectionHttpClient.create())
              .build();
    }
    return dynamoDb;
  }

  /** The local table whose name contains {@code part} (auth, location, profile). */
  static String table(String part) {
    return dynamoDb().listTables().tableNames().stream()
        .filter(n -> n.toLowerCase().contains(part))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no local table named *" + part + "*"));
  }

  /**
   * A token of {@code userId} that expired a minute ago, stored as the auth service stores tokens
   * (an hour is too long to wait for a real one).
   */
  static String expiredToken(String userId) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Transcript.token(token);
    Instant now = Instant.now();
    dynamoDb()
        .putItem(
            b ->
                b.tableName(table("auth"))
                    .item(
                        Map.of(
                            "pk", s("token#" + hash(token)),
                            "userId", s(userId),
                            "issuedAt", s(now.minusSeconds(3660).toString()),
                            "expiresAt",
                                AttributeValue.fromN(Long.toString(now.getEpochSecond() - 60)),
                            "version", AttributeValue.fromN("1"))));
    return token;
  }

  /** Deletes a user's account record, as an operator would; the userId can be registered again. */
  static void deleteAccount(String userId) {
    dynamoDb().deleteItem(b -> b.tableName(table("auth")).key(Map.of("pk", s("user#" + userId))));
  }

  /** An item of a local table, by its key attribute. */
  static Optional<Map<String, AttributeValue>> item(String table, String key, String value) {
    Map<String, AttributeValue> item =
        dynamoDb().getItem(b -> b.tableName(table(table)).key(Map.of(key, s(value)))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /**
   * A request signed with SigV4 as {@code function} (its local credentials); {@code tamper} flips
   * the signature's last character after signing.
   */
  static Api.Reply signed(
      String function, String method, String path, String body, boolean tamper) {
    LocalRunner runner = local("signing as a function needs its local credentials");
    Map.Entry<String, String> keys = runner.credentialsOf(function);
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create(SuiteUnderTest.baseUrl() + path));
    if (body != null) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      request.contentStreamProvider(() -> new ByteArrayInputStream(bytes));
      request.putHeader("Content-Type", "application/json");
    }
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsBasicCredentials.create(keys.getKey(), keys.getValue()))
                        .request(request.build())
                        .payload(
                            body == null
                                ? null
                                : () ->
                                    new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, REGION))
            .request();
    List<String> headers = new ArrayList<>();
    signed
        .headers()
        .forEach(
            (k, values) -> {
              if (!k.equalsIgnoreCase("Host") && !k.equalsIgnoreCase("Content-Length")) {
                for (String v : values) {
                  headers.add(k);
                  headers.add(k.equalsIgnoreCase("Authorization") && tamper ? flipLast(v) : v);
                }
              }
            });
    return send(method, path, body, headers.toArray(String[]::new));
  }

  private static String flipLast(String value) {
    char last = value.charAt(value.length() - 1);
    return value.substring(0, value.length() - 1) + (last == '0' ? '1' : '0');
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static String hash(String token) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
