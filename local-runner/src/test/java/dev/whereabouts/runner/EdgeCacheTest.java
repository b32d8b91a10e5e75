package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The edge in front of the API (template.yaml, EnableEdge): what CloudFront may cache and for whom,
 * read from the template as CloudFormation would create it, and judged against the routes the same
 * template declares. The distribution is plain CloudFormation, so the raw template is what the
 * stack holds (the pipeline's stacks run with the edge off, so their rehearsed views have none).
 */
class EdgeCacheTest {
  /** CloudFront's managed CachingDisabled policy (its id in the CloudFront docs). */
  private static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

  /** The contract's bound on how stale a public read may be (docs/api.md). */
  private static final int STALENESS_BOUND_SECONDS = 10;

  private static final String EDGE_HEADER = "x-whereabouts-edge";

  private static Map<String, Object> template() throws Exception {
    return Rehearsal.yaml("template.yaml");
  }

  private static Map<String, Object> distribution(Map<String, Object> template) {
    return Rehearsal.map(Rehearsal.props(template, "EdgeDistribution").get("DistributionConfig"));
  }

  /** Every cache behavior, the default one first. */
  private static List<Map<String, Object>> behaviors(Map<String, Object> template) {
    Map<String, Object> config = distribution(template);
    List<Map<String, Object>> all = new ArrayList<>();
    all.add(Rehearsal.map(config.get("DefaultCacheBehavior")));
    for (Object b : (List<?>) config.getOrDefault("CacheBehaviors", List.of())) {
      all.add(Rehearsal.map(b));
    }
    return all;
  }

  /** A behavior's cache policy resource, or null for a managed policy given by id. */
  private static Map<String, Object> cachePolicy(
      Map<String, Object> template, Map<String, Object> behavior) {
    Object id = behavior.get("CachePolicyId");
    if (id instanceof Map<?, ?> ref) {
      String name = String.valueOf(ref.get("Ref"));
      return Rehearsal.map(Rehearsal.props(template, name).get("CachePolicyConfig"));
    }
    assertEquals(CACHING_DISABLED, id, "a managed cache policy other than CachingDisabled");
    return null;
  }

  /** One SAM Api event: method, path, and the authorizer it runs under. */
  private record Route(String method, String path, String authorizer) {}

  private static List<Route> routes(Map<String, Object> template) {
    List<Route> routes = new ArrayList<>();
    for (Object r : Rehearsal.resources(template).values()) {
      Map<String, Object> resource = Rehearsal.map(r);
      if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
        continue;
      }
      Map<String, Object> events =
          Rehearsal.map(Rehearsal.map(resource.get("Properties")).getOrDefault("Events", Map.of()));
      for (Object e : events.values()) {
        Map<String, Object> event = Rehearsal.map(e);
        if (!"Api".equals(event.get("Type"))) {
          continue;
        }
        Map<String, Object> p = Rehearsal.map(event.get("Properties"));
        Map<String, Object> auth = Rehearsal.map(p.getOrDefault("Auth", Map.of()));
        // The API's DefaultAuthorizer (BearerAuth) applies where an event names none.
        String authorizer = String.valueOf(auth.getOrDefault("Authorizer", "BearerAuth"));
        routes.add(
            new Route(
                String.valueOf(p.get("Method")).toUpperCase(Locale.ROOT),
                String.valueOf(p.get("Path")),
                authorizer));
      }
    }
    assertFalse(routes.isEmpty(), "the template declares routes");
    return routes;
  }

  /** CloudFront path patterns: '*' any characters, '?' one, case-sensitive. */
  private static boolean pathMatches(String pattern, String path) {
    StringBuilder regex = new StringBuilder("^");
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf(c));
          });
    }
    return path.matches(regex.append('$').toString());
  }

  private static List<String> strings(Object list) {
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }

  @Test
  void theCacheKeyOfEveryCachingBehaviorIsThePathAlone() throws Exception {
    Map<String, Object> template = template();
    int caching = 0;
    for (Map<String, Object> behavior : behaviors(template)) {
      Map<String, Object> policy = cachePolicy(template, behavior);
      if (policy == null) {
        continue;
      }
      caching++;
      Map<String, Object> key =
          Rehearsal.map(policy.get("ParametersInCacheKeyAndForwardedToOrigin"));
      Map<String, Object> headers = Rehearsal.map(key.get("HeadersConfig"));
      assertEquals("none", headers.get("HeaderBehavior"), "no header in the key: " + headers);
      assertFalse(
          String.valueOf(headers.get("Headers")).toLowerCase(Locale.ROOT).contains("authorization"),
          "Authorization is never part of the key");
      assertEquals("none", Rehearsal.map(key.get("CookiesConfig")).get("CookieBehavior"));
      assertEquals(
          "none",
          Rehearsal.map(key.get("QueryStringsConfig")).get("QueryStringBehavior"),
          "a query string cannot make a new key (and so skip the cache)");
      assertEquals(false, key.get("EnableAcceptEncodingGzip"));
      assertEquals(false, key.get("EnableAcceptEncodingBrotli"));
    }
    assertEquals(1, caching, "exactly one behavior caches");
  }

  @Test
  void onlyThePublicReadIsCachedAndNoAuthenticatedRouteReachesTheCache() throws Exception {
    Map<String, Object> template = template();
    List<Route> routes = routes(template);
    for (Map<String, Object> behavior : behaviors(template)) {
      if (cachePolicy(template, behavior) == null) {
        continue;
      }
      String pattern = String.valueOf(behavior.get("PathPattern"));
      List<String> allowed = strings(behavior.get("AllowedMethods"));
      assertEquals(Set.of("GET", "HEAD"), Set.copyOf(strings(behavior.get("CachedMethods"))));
      int publicReads = 0;
      for (Route route : routes) {
        // CloudFront sees the path without the stage (the origin path adds it); a template
        // parameter such as {userId} stands for one segment.
        String sample = route.path().replaceAll("\\{[^}]+}", "someone");
        if (!pathMatches(pattern, sample) || !allowed.contains(route.method())) {
          continue;
        }
        if (route.method().equals("GET")) {
          publicReads++;
        }
        assertEquals(
            "NONE",
            route.authorizer(),
            route + " would pass through the caching behavior " + pattern);
      }
      assertEquals(1, publicReads, "the caching behavior serves GET /profiles/{userId}");
      assertTrue(
          allowed.stream().allMatch(m -> Set.of("GET", "HEAD", "OPTIONS").contains(m)),
          "the caching behavior takes reads only: " + allowed);
    }
  }

  @Test
  void theCachedAnswerLivesNoLongerThanTheContractAllowsAndOnlyAsTheOriginSays() throws Exception {
    Map<String, Object> template = template();
    Map<String, Object> policy =
        Rehearsal.map(Rehearsal.props(template, "EdgeProfileCachePolicy").get("CachePolicyConfig"));
    assertTrue(
        ((Number) policy.get("MaxTTL")).intValue() <= STALENESS_BOUND_SECONDS,
        "MaxTTL caps whatever the origin says");
    assertEquals(0, ((Number) policy.get("MinTTL")).intValue(), "no-store must win");
    assertEquals(0, ((Number) policy.get("DefaultTTL")).intValue(), "no Cache-Control: no cache");
    // CloudFront caches some errors for 10 s by default; the contract caches none but a 404.
    List<?> errors = (List<?>) distribution(template).get("CustomErrorResponses");
    assertNotNull(errors, "error caching is set");
    Set<Integer> covered = new java.util.HashSet<>();
    for (Object e : errors) {
      Map<String, Object> error = Rehearsal.map(e);
      assertEquals(0, ((Number) error.get("ErrorCachingMinTTL")).intValue(), "error " + error);
      covered.add(((Number) error.get("ErrorCode")).intValue());
    }
    assertTrue(
        covered.containsAll(Set.of(400, 403, 405, 414, 416, 500, 501, 502, 503, 504)),
        "every error CloudFront caches by default: " + covered);
  }

  @Test
  void theOriginRequestOfTheCachedReadCarriesNoCredentialsCookiesOrQueries() throws Exception {
    Map<String, Object> template = template();
    Map<String, Object> policy =
        Rehearsal.map(
            Rehearsal.props(template, "EdgeProfileOriginRequestPolicy")
                .get("OriginRequestPolicyConfig"));
    Map<String, Object> headers = Rehearsal.map(policy.get("HeadersConfig"));
    assertEquals("whitelist", headers.get("HeaderBehavior"));
    for (String header : strings(headers.get("Headers"))) {
      assertFalse(
          Set.of("authorization", "cookie", "x-amz-security-token")
              .contains(header.toLowerCase(Locale.ROOT)),
          header);
    }
    assertEquals("none", Rehearsal.map(policy.get("CookiesConfig")).get("CookieBehavior"));
    assertEquals(
        "none", Rehearsal.map(policy.get("QueryStringsConfig")).get("QueryStringBehavior"));
  }

  @Test
  void everyOriginRequestGoesThroughOriginShield() throws Exception {
    for (Object o : (List<?>) distribution(template()).get("Origins")) {
      Map<String, Object> origin = Rehearsal.map(o);
      assertEquals(
          true, Rehearsal.map(origin.get("OriginShield")).get("Enabled"), "origin " + origin);
    }
  }

  @Test
  void theApiRefusesPublicReadsThatSkippedTheEdgeAndNothingElse() throws Exception {
    Map<String, Object> template = template();
    Map<String, Object> rule = null;
    for (Object r : (List<?>) Rehearsal.props(template, "WebAcl").get("Rules")) {
      Map<String, Object> entry = Rehearsal.map(r);
      if (entry.containsKey("Fn::If")) {
        List<?> branches = (List<?>) entry.get("Fn::If");
        Map<String, Object> on = Rehearsal.map(branches.get(1));
        if ("public-read-through-edge".equals(on.get("Name"))) {
          assertEquals("CheckEdge", branches.get(0), "only with the edge and WAF on");
          rule = on;
        }
      }
    }
    assertNotNull(rule, "the web ACL has the edge rule");
    assertTrue(Rehearsal.map(rule.get("Action")).containsKey("Block"));
    Object secret = originHeader(template, "X-Whereabouts-Edge");
    Map<String, Object> statement = Rehearsal.map(rule.get("Statement"));
    Map<String, Object> fromEdge = Map.of(EDGE_HEADER, secret);
    Map<String, Object> direct = Map.of();
    assertTrue(blocks(statement, "GET", "/prod/profiles/michael", direct));
    assertTrue(blocks(statement, "HEAD", "/prod/PROFILES//michael", direct));
    assertTrue(blocks(statement, "GET", "/prod/profiles/%6dichael", Map.of(EDGE_HEADER, "guess")));
    assertFalse(blocks(statement, "GET", "/prod/profiles/michael", fromEdge));
    // Bearer and AWS_IAM routes stay reachable directly: the profile function's signed call and
    // the authorizer's routes never pass the edge.
    assertFalse(blocks(statement, "PUT", "/prod/profiles/michael", direct));
    assertFalse(blocks(statement, "DELETE", "/prod/profiles/michael", direct));
    assertFalse(blocks(statement, "GET", "/prod/locations/michael", direct));
    assertFalse(blocks(statement, "POST", "/prod/auth/tokens", direct));
  }

  private static Object originHeader(Map<String, Object> template, String name) {
    for (Object o : (List<?>) distribution(template).get("Origins")) {
      for (Object h : (List<?>) Rehearsal.map(o).getOrDefault("OriginCustomHeaders", List.of())) {
        Map<String, Object> header = Rehearsal.map(h);
        if (name.equals(header.get("HeaderName"))) {
          return header.get("HeaderValue");
        }
      }
    }
    throw new AssertionError("no origin header " + name);
  }

  /**
   * The statements the edge rule uses, as WAF documents them; the header's expected value is
   * compared as the template writes it (the same intrinsic on both sides).
   */
  private static boolean blocks(
      Map<String, Object> statement, String method, String path, Map<String, Object> headers) {
    assertEquals(1, statement.size(), "one statement: " + statement);
    Map.Entry<String, Object> e = statement.entrySet().iterator().next();
    Map<String, Object> s = Rehearsal.map(e.getValue());
    switch (e.getKey()) {
      case "AndStatement" -> {
        for (Object inner : (List<?>) s.get("Statements")) {
          if (!blocks(Rehearsal.map(inner), method, path, headers)) {
            return false;
          }
        }
        return true;
      }
      case "NotStatement" -> {
        return !blocks(Rehearsal.map(s.get("Statement")), method, path, headers);
      }
      case "RegexMatchStatement" -> {
        Map<String, Object> field = Rehearsal.map(s.get("FieldToMatch"));
        String value = field.containsKey("Method") ? method : transformed(s, path);
        return Pattern.compile(String.valueOf(s.get("RegexString"))).matcher(value).find();
      }
      case "ByteMatchStatement" -> {
        Map<String, Object> field = Rehearsal.map(s.get("FieldToMatch"));
        Map<String, Object> single = Rehearsal.map(field.get("SingleHeader"));
        assertNotNull(single, "field not modelled here: " + field);
        assertEquals("EXACTLY", s.get("PositionalConstraint"));
        Object sent = headers.get(String.valueOf(single.get("Name")).toLowerCase(Locale.ROOT));
        return s.get("SearchString").equals(sent);
      }
      default -> {
        fail("statement not modelled here: " + e.getKey());
        return false;
      }
    }
  }

  private static String transformed(Map<String, Object> s, String path) {
    List<String> types =
        ((List<?>) s.get("TextTransformations"))
            .stream()
                .map(Rehearsal::map)
                .sorted(
                    java.util.Comparator.comparingInt(t -> ((Number) t.get("Priority")).intValue()))
                .map(t -> String.valueOf(t.get("Type")))
                .toList();
    String value = path;
    for (String type : types) {
      value =
          switch (type) {
            case "URL_DECODE" ->
                java.net.URLDecoder.decode(
                    value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            case "NORMALIZE_PATH" -> WafRuleTest.normalized(value);
            case "LOWERCASE" -> value.toLowerCase(Locale.ROOT);
            case "NONE" -> value;
            default -> throw new AssertionError("transformation not modelled: " + type);
          };
    }
    return value;
  }
}
