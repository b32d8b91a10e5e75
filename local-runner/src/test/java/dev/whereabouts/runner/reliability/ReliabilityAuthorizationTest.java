package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.template.SuiteReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * OWASP API Security Top 10 (2023) API1/API2/API5 as a matrix: every route of the template x every
 * kind of caller, with the status API.md promises. The rules are keyed by the template's routes, so
 * a route added to template.yaml without a rule here fails the build.
 */
class ReliabilityAuthorizationTest {
  /** Who calls. */
  enum Caller {
    ANONYMOUS("anonymous", false),
    OWNER("owner", false),
    OTHER_USER("another user", false),
    REVOKED("revoked token", false),
    EXPIRED("expired token", true),
    REREGISTERED("token of a deleted and re-registered account", true),
    PROFILE_SIGNATURE("the profile function's signature", true),
    OTHER_SIGNATURE("another function's signature", true),
    TAMPERED_SIGNATURE("a tampered signature", true);

    final String label;
    final boolean localOnly;

    Caller(String label, boolean localOnly) {
      this.label = label;
      this.localOnly = localOnly;
    }
  }

  /**
   * What a route answers each caller.
   *
   * @param body the request body for a target user (null: none)
   * @param revokesCaller whether a success spends the caller's token
   */
  record Rule(
      java.util.function.Function<String, String> body,
      boolean revokesCaller,
      Map<Caller, Integer> expected) {}

  private static final Map<String, Rule> RULES = new LinkedHashMap<>();

  static {
    RULES.put(
        "POST /auth/users", publicRoute(201, id -> World.credentials(id, "Pw-registered-x1")));
    RULES.put("POST /auth/tokens", publicRoute(201, null));
    RULES.put("DELETE /auth/tokens/current", bearerRoute(204, null, true, 204));
    RULES.put("DELETE /auth/tokens", bearerRoute(204, null, true, 204));
    RULES.put(
        "PUT /locations/{userId}",
        bearerRoute(200, id -> "{\"latitude\":1.5,\"longitude\":2.5}", false, 403));
    RULES.put("GET /locations/{userId}", iamRoute(200));
    RULES.put("DELETE /locations/{userId}", bearerRoute(204, null, false, 403));
    RULES.put(
        "PUT /profiles/{userId}",
        bearerRoute(200, id -> "{\"displayName\":\"Matrix\"}", false, 403));
    RULES.put("GET /profiles/{userId}", publicRoute(200, null));
    RULES.put("DELETE /profiles/{userId}", bearerRoute(204, null, false, 403));
  }

  /** Methods the template does not declare: 403 for everyone, as API Gateway answers. */
  private static final List<String> UNDECLARED =
      List.of("PATCH /profiles/{userId}", "POST /locations/{userId}", "GET /auth/tokens/current");

  private static Rule publicRoute(int success, java.util.function.Function<String, String> body) {
    Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
    for (Caller c : Caller.values()) {
      expected.put(c, success);
    }
    return new Rule(body, false, expected);
  }

  private static Rule bearerRoute(
      int success,
      java.util.function.Function<String, String> body,
      boolean revokesCaller,
      int otherUser) {
    Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
    for (Caller c : Caller.values()) {
      expected.put(c, 401);
    }
    expected.put(Caller.OWNER, success);
    expected.put(Caller.OTHER_USER, otherUser);
    return new Rule(body, revokesCaller, expected);
  }

  private static Rule iamRoute(int success) {
    Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
    for (Caller c : Caller.values()) {
      expected.put(c, 403);
    }
    expected.put(Caller.PROFILE_SIGNATURE, success);
    return new Rule(null, false, expected);
  }

  private static World.User owner;
  private static World.User other;
  private static World.User phoenix;
  private static String ownerToken;
  private static String otherToken;
  private static String revokedToken;

  /** Tokens issued to phoenix's first account, one per cell (a cell may revoke its token). */
  private static final java.util.Deque<String> PHOENIX_OLD_TOKENS = new java.util.ArrayDeque<>();

  private static final Map<String, String> ADMIN_TOKENS = new LinkedHashMap<>();

  @BeforeAll
  static void callers() {
    owner = World.register("mx-owner");
    other = World.register("mx-other");
    ownerToken = World.login(owner);
    otherToken = World.login(other);
    revokedToken = World.login(owner);
    Checks.answer(
        World.send(
            "DELETE", "/auth/tokens/current", null, "Authorization", "Bearer " + revokedToken),
        204);
    ADMIN_TOKENS.put(owner.id(), World.login(owner));
    if (World.isLocal()) {
      phoenix = World.register("mx-phoenix");
      for (int i = 0; i < RULES.size() + UNDECLARED.size(); i++) {
        PHOENIX_OLD_TOKENS.add(World.login(phoenix));
      }
      World.deleteAccount(phoenix.id());
      String password = Transcript.password();
      Checks.answer(
          World.json("POST", "/auth/users", World.credentials(phoenix.id(), password)), 201);
      phoenix = new World.User(phoenix.id(), password);
      ADMIN_TOKENS.put(phoenix.id(), World.login(phoenix));
    }
  }

  private static Set<String> templateRoutes() throws Exception {
    Set<String> keys = new TreeSet<>();
    for (ApiRoute r :
        SuiteReader.read(
                SuiteUnderTest.repositoryRoot().resolve("template.yaml"), Map.of(), World.REGION)
            .routes()) {
      keys.add(r.key());
    }
    return keys;
  }

  @Test
  void everyRouteOfTheTemplateHasARule() throws Exception {
    Set<String> missing = new TreeSet<>(templateRoutes());
    missing.removeAll(RULES.keySet());
    assertEquals(
        Set.of(),
        missing,
        "routes without an authorization rule: add them to ReliabilityAuthorizationTest.RULES");
  }

  @TestFactory
  Stream<DynamicTest> everyRuleIsForADeclaredRoute() throws Exception {
    Set<String> declared = templateRoutes();
    return RULES.keySet().stream()
        .map(
            key ->
                Checks.named(
                    key + " x a declared route",
                    () ->
                        assertEquals(
                            true, declared.contains(key), key + " is not in template.yaml")));
  }

  @TestFactory
  Stream<DynamicTest> everyRouteTimesEveryCaller() throws Exception {
    Set<String> declared = templateRoutes();
    List<DynamicTest> cells = new ArrayList<>();
    for (Map.Entry<String, Rule> rule : RULES.entrySet()) {
      for (Caller caller : Caller.values()) {
        String name = rule.getKey() + " x " + caller.label;
        cells.add(
            Checks.named(
                name,
                () -> {
                  if (caller.localOnly) {
                    Assumptions.assumeTrue(World.isLocal(), "needs the local runner");
                  }
                  int expected = rule.getValue().expected().get(caller);
                  try {
                    Checks.answer(call(rule.getKey(), rule.getValue(), caller), expected);
                  } finally {
                    if (rule.getKey().equals("DELETE /auth/tokens")) {
                      renewTokensAfterSignOutEverywhere(caller);
                    }
                  }
                }));
      }
    }
    for (String key : UNDECLARED) {
      for (Caller caller : Caller.values()) {
        cells.add(
            Checks.named(
                key + " (undeclared) x " + caller.label,
                () -> {
                  if (caller.localOnly) {
                    Assumptions.assumeTrue(World.isLocal(), "needs the local runner");
                  }
                  Checks.answer(call(key, new Rule(null, false, Map.of()), caller), 403);
                }));
      }
    }
    return cells.stream();
  }

  private static Api.Reply call(String key, Rule rule, Caller caller) {
    String method = key.substring(0, key.indexOf(' '));
    String resource = key.substring(key.indexOf(' ') + 1);
    World.User target = caller == Caller.REREGISTERED ? phoenix : owner;
    ensureStored(target);
    String path = resource.replace("{userId}", target.id());
    String body;
    if (key.equals("POST /auth/users")) {
      body = World.credentials(Api.newUserId("mx-new"), Transcript.password());
    } else if (key.equals("POST /auth/tokens")) {
      body = World.credentials(owner.id(), owner.password());
    } else {
      body = rule.body() == null ? null : rule.body().apply(target.id());
    }
    List<String> headers = new ArrayList<>();
    switch (caller) {
      case ANONYMOUS -> {}
      case OWNER -> bearer(headers, rule.revokesCaller() ? World.login(owner) : ownerToken);
      case OTHER_USER -> bearer(headers, rule.revokesCaller() ? World.login(other) : otherToken);
      case REVOKED -> bearer(headers, revokedToken);
      case EXPIRED -> bearer(headers, World.expiredToken(owner.id()));
      case REREGISTERED -> bearer(headers, PHOENIX_OLD_TOKENS.pop());
      case PROFILE_SIGNATURE -> {
        return World.signed("ProfileFunction", method, path, body, false);
      }
      case OTHER_SIGNATURE -> {
        return World.signed("AuthFunction", method, path, body, false);
      }
      case TAMPERED_SIGNATURE -> {
        return World.signed("ProfileFunction", method, path, body, true);
      }
    }
    if (body != null) {
      headers.add("Content-Type");
      headers.add("application/json");
    }
    return World.send(method, path, body, headers.toArray(String[]::new));
  }

  /** "Sign out everywhere" revoked every token of the caller, the shared ones too. */
  private static void renewTokensAfterSignOutEverywhere(Caller caller) {
    if (caller == Caller.OWNER) {
      ownerToken = World.login(owner);
      ADMIN_TOKENS.put(owner.id(), World.login(owner));
    } else if (caller == Caller.OTHER_USER) {
      otherToken = World.login(other);
    }
  }

  private static void bearer(List<String> headers, String token) {
    headers.add("Authorization");
    headers.add("Bearer " + token);
  }

  /** The target's profile and location exist before every cell (a cell may have deleted them). */
  private static void ensureStored(World.User target) {
    String admin = "Bearer " + ADMIN_TOKENS.get(target.id());
    Api.Reply profile =
        World.json(
            "PUT",
            "/profiles/" + target.id(),
            "{\"displayName\":\"Target\"}",
            "Authorization",
            admin);
    Api.Reply location =
        World.json(
            "PUT",
            "/locations/" + target.id(),
            "{\"latitude\":3,\"longitude\":4}",
            "Authorization",
            admin);
    assertEquals(true, profile.status() < 300 && location.status() < 300, "setup writes");
  }
}
