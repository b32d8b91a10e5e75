package dev.whereabouts.auth;

import static dev.whereabouts.auth.AuthRequests.json;
import static dev.whereabouts.auth.AuthRequests.login;
import static dev.whereabouts.auth.AuthRequests.loginBody;
import static dev.whereabouts.auth.AuthRequests.register;
import static dev.whereabouts.auth.AuthRequests.registerBody;
import static dev.whereabouts.auth.AuthRequests.revoke;
import static dev.whereabouts.auth.AuthRequests.token;
import static dev.whereabouts.auth.AuthRequests.withoutRequestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.Jackson;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** The auth routes end to end on DynamoDB Local, with the real (OWASP) Argon2id cost. */
@ExtendWith(SecretScan.class)
class AuthHandlerTest {
  /**
   * The tests' fixed "now". Far in the future on purpose: DynamoDB Local's TTL sweeper deletes
   * items whose expiresAt has passed in real time, which would make ghosts and tokens vanish
   * mid-test.
   */
  private static final Instant NOW = Instant.parse("2099-11-23T10:15:30.123Z");

  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");

  private static String table;
  private static Passwords passwords;
  private static AuthHandler handler;
  private static Tokens tokens;

  @BeforeAll
  static void handler() {
    table = AuthRequests.newTable();
    passwords = new Passwords();
    handler =
        new AuthHandler(
            Environment.of(AuthRequests.environment(table)), new TestClock(NOW), passwords);
    tokens = new Tokens(new AuthTable(LocalDynamoDb.client(), table));
  }

  private static APIGatewayProxyResponseEvent call(APIGatewayProxyRequestEvent event) {
    return StreamInvocations.call(handler, event);
  }

  private static String registeredWithToken(String userId, String password) {
    assertEquals(201, call(register(userId, password)).getStatusCode());
    APIGatewayProxyResponseEvent response = call(login(userId, password));
    assertEquals(201, response.getStatusCode(), response.getBody());
    return token(response);
  }

  @Test
  void registersAUserFromARealApiGatewayEvent() {
    SecretScan.remember("correct horse battery");
    APIGatewayProxyResponseEvent response =
        call(EventLoader.loadApiGatewayRestEvent("events/register.json"));
    assertEquals(201, response.getStatusCode(), response.getBody());
    assertEquals("application/json", response.getHeaders().get("Content-Type"));
    assertEquals("signup-7", response.getHeaders().get("X-Correlation-Id"));
    assertEquals("3f1c9b52-6a0e-4d7b-8e21-5c4a7d9e0f13", response.getHeaders().get("X-Request-Id"));
    JsonNode body = json(response);
    assertEquals(Set.of("userId", "createdAt"), fieldNames(body));
    assertEquals("michael", body.get("userId").asText());
    assertEquals("2099-11-23T10:15:30.123Z", body.get("createdAt").asText());
    assertEquals(201, call(login("michael", "correct horse battery")).getStatusCode());
  }

  @Test
  void aTakenUserIdIs409AndKeepsTheFirstPassword() {
    assertEquals(201, call(register("anna", "first password")).getStatusCode());
    APIGatewayProxyResponseEvent again = call(register("anna", "second password"));
    assertEquals(409, again.getStatusCode());
    assertEquals("application/problem+json", again.getHeaders().get("Content-Type"));
    assertTrue(json(again).get("detail").asText().contains("anna"));
    assertEquals(401, call(login("anna", "second password")).getStatusCode());
    assertEquals(201, call(login("anna", "first password")).getStatusCode());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"userId\":\"Bad!\",\"password\":\"long enough pw\"}|userId",
        "{\"userId\":\"ab\",\"password\":\"long enough pw\"}|userId",
        "{\"userId\":\"carl\",\"password\":\"nine char\"}|password",
        "{\"userId\":\"carl\",\"password\":7}|password",
        "{\"userId\":7,\"password\":\"long enough pw\"}|userId",
        "{\"password\":\"long enough pw\"}|userId",
        "{\"userId\":\"carl\"}|password",
        "{\"userId\":\"carl\",\"password\":null}|password",
        "{\"userId\":\"carl\",\"password\":\"long enough pw\",\"email\":\"c@x\"}|email",
        "{\"userId\":\"carl\",|line 1",
        "[]|object"
      })
  void badRegistrationsAre400NamingTheField(String body, String named) {
    long hashes = passwords.computations();
    APIGatewayProxyResponseEvent response = call(registerBody(body));
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertTrue(json(response).get("detail").asText().contains(named), response.getBody());
    assertEquals(hashes, passwords.computations(), "refused before hashing");
    assertTrue(storage().account("carl").isEmpty(), "nothing was written");
  }

  @Test
  void passwordLengthsAreCountedInCodePoints() {
    assertEquals(201, call(register("dora", "😀".repeat(10))).getStatusCode());
    assertEquals(201, call(register("dora-2", "é".repeat(128))).getStatusCode());
    APIGatewayProxyResponseEvent nine = call(register("dora-3", "😀".repeat(9)));
    assertEquals(400, nine.getStatusCode());
    APIGatewayProxyResponseEvent long129 = call(register("dora-4", "é".repeat(129)));
    assertEquals(400, long129.getStatusCode());
    assertTrue(json(long129).get("detail").asText().contains("password"));
    assertEquals(201, call(login("dora", "😀".repeat(10))).getStatusCode());
  }

  @Test
  void oversizedBodiesAre413AndOtherMediaTypes415() {
    String big = "{\"userId\":\"erik\",\"password\":\"" + "x".repeat(17000) + "\"}";
    assertEquals(413, call(registerBody(big)).getStatusCode());
    assertEquals(413, call(loginBody(big)).getStatusCode());
    String body = AuthRequests.credentials("erik", "long enough pw");
    for (String path : List.of("/auth/users", "/auth/tokens")) {
      APIGatewayProxyRequestEvent plain =
          ApiEvents.request("POST", path, path)
              .json(body)
              .header("Content-Type", "text/plain")
              .build();
      assertEquals(415, call(plain).getStatusCode());
      APIGatewayProxyRequestEvent latin1 =
          ApiEvents.request("POST", path, path)
              .json(body)
              .header("Content-Type", "application/json; charset=iso-8859-1")
              .build();
      assertEquals(415, call(latin1).getStatusCode());
      APIGatewayProxyRequestEvent none = ApiEvents.request("POST", path, path).body(body).build();
      assertEquals(415, call(none).getStatusCode());
    }
    assertEquals(401, call(login("erik", "long enough pw")).getStatusCode(), "nothing registered");
  }

  @Test
  void loginIssuesAnOpaqueBearerTokenForOneHour() {
    assertEquals(201, call(register("fred", "fred's password")).getStatusCode());
    APIGatewayProxyResponseEvent response = call(login("fred", "fred's password"));
    assertEquals(201, response.getStatusCode(), response.getBody());
    assertEquals("no-store", response.getHeaders().get("Cache-Control"));
    assertEquals("application/json", response.getHeaders().get("Content-Type"));
    JsonNode body = json(response);
    String token = token(response);
    assertEquals(Set.of("accessToken", "tokenType", "expiresIn", "expiresAt"), fieldNames(body));
    assertTrue(TOKEN.matcher(token).matches(), "43 base64url characters");
    assertEquals(32, Base64.getUrlDecoder().decode(token).length);
    assertEquals("Bearer", body.get("tokenType").asText());
    assertTrue(body.get("expiresIn").isIntegralNumber());
    assertEquals(3600, body.get("expiresIn").asLong());
    assertEquals("2099-11-23T11:15:30.123Z", body.get("expiresAt").asText());
    assertEquals(Tokens.TOKEN_LIFETIME.toSeconds(), body.get("expiresIn").asLong());
    assertEquals("fred", tokens.resolve(token, NOW).orElseThrow());
  }

  @Test
  void everyLoginIssuesADifferentToken() {
    String first = registeredWithToken("gina", "gina's password");
    String second = token(call(login("gina", "gina's password")));
    assertNotEquals(first, second);
    assertEquals("gina", tokens.resolve(first, NOW).orElseThrow());
    assertEquals("gina", tokens.resolve(second, NOW).orElseThrow());
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSame401() {
    assertEquals(201, call(register("hans", "hans's password")).getStatusCode());
    APIGatewayProxyResponseEvent wrong = call(login("hans", "not hans's password"));
    APIGatewayProxyResponseEvent unknown = call(login("nobody-here", "hans's password"));
    assertEquals(401, wrong.getStatusCode());
    assertEquals(401, unknown.getStatusCode());
    assertEquals(withoutRequestId(wrong), withoutRequestId(unknown));
    assertNotEquals(json(wrong).get("requestId"), json(unknown).get("requestId"));
    assertEquals(
        wrong.getHeaders().get("WWW-Authenticate"), unknown.getHeaders().get("WWW-Authenticate"));
    assertEquals(wrong.getHeaders().get("Content-Type"), unknown.getHeaders().get("Content-Type"));
  }

  @Test
  void anUnknownUserCostsOneHashLikeAWrongPassword() {
    assertEquals(201, call(register("ines", "ines's password")).getStatusCode());
    long before = passwords.computations();
    assertEquals(401, call(login("ines", "a wrong password")).getStatusCode());
    long wrongPassword = passwords.computations() - before;
    before = passwords.computations();
    assertEquals(401, call(login("nobody-else", "a wrong password")).getStatusCode());
    long unknownUser = passwords.computations() - before;
    assertEquals(1, wrongPassword);
    assertEquals(1, unknownUser);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"userId\":\"Bad!\",\"password\":\"whatever\"}|userId",
        "{\"userId\":\"jana\",\"password\":\"\"}|password",
        "{\"userId\":\"jana\",\"password\":true}|password",
        "{\"userId\":\"jana\"}|password",
        "{\"password\":\"whatever\"}|userId",
        "{\"userId\":\"jana\",\"password\":\"whatever\",\"remember\":true}|remember",
        "not json|line 1"
      })
  void badLoginsAre400NamingTheFieldAndCostNoHash(String body, String named) {
    long before = passwords.computations();
    APIGatewayProxyResponseEvent response = call(loginBody(body));
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertTrue(json(response).get("detail").asText().contains(named), response.getBody());
    assertEquals(before, passwords.computations());
  }

  @Test
  void aPasswordOver128CharactersIs400AndNotACountedFailure() {
    assertEquals(201, call(register("karl", "karl's password")).getStatusCode());
    long before = passwords.computations();
    for (int i = 0; i < Users.MAX_FAILURES + 2; i++) {
      APIGatewayProxyResponseEvent response = call(login("karl", "k".repeat(129)));
      assertEquals(400, response.getStatusCode());
      assertTrue(json(response).get("detail").asText().contains("password"));
    }
    assertEquals(before, passwords.computations(), "refused before hashing");
    assertEquals(0, storage().account("karl").orElseThrow().failures());
    assertEquals(201, call(login("karl", "karl's password")).getStatusCode());
  }

  @Test
  void revokingAnswers204AndTheTokenStopsResolvingAtOnce() {
    String token = registeredWithToken("lena", "lena's password");
    assertEquals("lena", tokens.resolve(token, NOW).orElseThrow());
    APIGatewayProxyResponseEvent response = call(revoke("lena", "Bearer " + token));
    assertEquals(204, response.getStatusCode(), response.getBody());
    assertNull(response.getBody());
    assertTrue(tokens.resolve(token, NOW).isEmpty());
    assertEquals(204, call(revoke("lena", "Bearer " + token)).getStatusCode(), "idempotent");
  }

  @Test
  void revokingOneTokenKeepsTheUsersOtherTokens() {
    String first = registeredWithToken("mona", "mona's password");
    String second = token(call(login("mona", "mona's password")));
    assertEquals(204, call(revoke("mona", "bearer " + first)).getStatusCode());
    assertTrue(tokens.resolve(first, NOW).isEmpty());
    assertEquals("mona", tokens.resolve(second, NOW).orElseThrow());
  }

  @Test
  void revokingWithoutAuthorizerContextIs401() {
    String token = registeredWithToken("nina", "nina's password");
    APIGatewayProxyResponseEvent response = call(revoke(null, "Bearer " + token));
    assertEquals(401, response.getStatusCode());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertEquals("nina", tokens.resolve(token, NOW).orElseThrow(), "still valid");
  }

  @Test
  void revokingWithoutABearerHeaderIs401() {
    assertEquals(401, call(revoke("olga", null)).getStatusCode());
    assertEquals(401, call(revoke("olga", "Basic b2xnYTpwdw==")).getStatusCode());
    assertEquals(401, call(revoke("olga", "Bearer not-a-token")).getStatusCode());
  }

  @Test
  void nobodyRevokesSomeoneElsesToken() {
    String token = registeredWithToken("paul", "paul's password");
    assertEquals(401, call(revoke("mallory", "Bearer " + token)).getStatusCode());
    assertEquals("paul", tokens.resolve(token, NOW).orElseThrow());
  }

  @Test
  void storedItemsHoldNeitherTheTokenNorThePassword() throws Exception {
    String password = "rosa's password";
    String token = registeredWithToken("rosa", password);
    assertEquals(401, call(login("rosa-ghost", password)).getStatusCode());

    Map<String, Map<String, AttributeValue>> items = new HashMap<>();
    for (Map<String, AttributeValue> item :
        LocalDynamoDb.client().scan(ScanRequest.builder().tableName(table).build()).items()) {
      items.put(item.get(AuthTable.KEY).s(), item);
      String everything = item.toString();
      assertFalse(everything.contains(token), "an item holds the raw token");
      assertFalse(everything.contains(password), "an item holds the password");
    }
    String tokenHash =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
    Map<String, AttributeValue> tokenItem = items.get("token#" + tokenHash);
    assertEquals("rosa", tokenItem.get("userId").s());
    assertEquals(Long.toString(NOW.getEpochSecond() + 3600), tokenItem.get("expiresAt").n());
    assertEquals("1", tokenItem.get("version").n());
    assertEquals("2099-11-23T10:15:30.123Z", tokenItem.get("issuedAt").s());

    Map<String, AttributeValue> user = items.get("user#rosa");
    assertTrue(
        user.get("passwordHash").s().startsWith("$argon2id$v=19$m=19456,t=2,p=1$"),
        "stored as an OWASP-minimum Argon2id PHC string");
    assertTrue(passwords.verify(password, user.get("passwordHash").s()));
    assertNull(user.get("expiresAt"), "users never expire");
    assertEquals("0", user.get("failures").n());

    Map<String, AttributeValue> ghost = items.get("user#rosa-ghost");
    assertNull(ghost.get("passwordHash"));
    assertEquals("1", ghost.get("failures").n());
    assertEquals(
        Long.toString(NOW.plus(Users.GHOST_LIFETIME).getEpochSecond()), ghost.get("expiresAt").n());
  }

  @Test
  void eachOutcomeCountsItsMetric() throws Exception {
    List<JsonNode> emf = new ArrayList<>();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    String token;
    try {
      call(register("sara", "sara's password"));
      call(register("sara", "sara's password"));
      call(login("sara", "wrong password"));
      token = token(call(login("sara", "sara's password")));
      call(revoke("sara", "Bearer " + token));
    } finally {
      System.setOut(original);
    }
    for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
      JsonNode node = Jackson.MAPPER.readTree(line);
      if (node.has("_aws")) {
        assertEquals("auth", node.get("Service").asText());
        emf.add(node);
      }
    }
    assertEquals(4, emf.size(), "the 409 counts nothing");
    assertEquals(1.0, emf.get(0).get(AuthHandler.USERS_REGISTERED).asDouble());
    assertEquals(1.0, emf.get(1).get(AuthHandler.LOGIN_FAILED).asDouble());
    assertEquals(1.0, emf.get(2).get(AuthHandler.LOGIN_SUCCEEDED).asDouble());
    assertEquals(1.0, emf.get(3).get(AuthHandler.TOKEN_REVOKED).asDouble());
    assertFalse(out.toString(StandardCharsets.UTF_8).contains(token));
  }

  @Test
  void servesExactlyTheAuthRoutes() {
    assertEquals(
        Set.of(
            "POST /auth/users",
            "POST /auth/tokens",
            "DELETE /auth/tokens/current",
            "DELETE /auth/tokens"),
        handler.routeKeys());
  }

  private static AuthTable storage() {
    return new AuthTable(LocalDynamoDb.client(), table);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
