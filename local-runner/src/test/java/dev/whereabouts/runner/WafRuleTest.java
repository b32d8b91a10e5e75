package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web ACL's rate-based rules, evaluated here as WAF documents them: the scope-down statement
 * against the request's path after the rule's text transformations (in priority order). Every
 * spelling of the login route that API Gateway routes to the login handler must count against the
 * same login limit, in any case of the stage name; other auth routes only against the auth limit.
 */
class WafRuleTest {
  /** Paths API Gateway (or the local runner) serves as POST /auth/tokens on stage prod. */
  private static final List<String> LOGIN =
      List.of(
          "/prod/auth/tokens",
          "/prod/auth/tokens/",
          "/prod/auth/%74okens",
          "/prod/auth/%74okens/",
          "/PROD/AUTH/TOKENS",
          "/Prod/auth/Tokens",
          "/prod//auth/tokens",
          "/prod/auth/./tokens",
          "/prod/auth/x/../tokens",
          "/prod/%61uth/tokens");

  @Test
  void everySpellingOfTheLoginRouteCountsAgainstTheLoginLimit() throws Exception {
    Map<String, Object> login = rule("login-per-ip");
    for (String path : LOGIN) {
      assertTrue(matches(scopeDown(login), "POST", path), "login-per-ip counts POST " + path);
      assertTrue(matches(scopeDown(rule("auth-per-ip")), "POST", path), "auth-per-ip: " + path);
    }
  }

  @Test
  void otherRoutesDoNotCountAgainstTheLoginLimit() throws Exception {
    Map<String, Object> login = rule("login-per-ip");
    assertFalse(matches(scopeDown(login), "DELETE", "/prod/auth/tokens"));
    assertFalse(matches(scopeDown(login), "POST", "/prod/auth/users"));
    assertFalse(matches(scopeDown(login), "POST", "/prod/auth/tokens/current"));
    assertFalse(matches(scopeDown(rule("auth-per-ip")), "GET", "/prod/profiles/michael"));
    assertTrue(matches(scopeDown(rule("auth-per-ip")), "POST", "/prod/AUTH/users"));
  }

  @Test
  void oneClientsPublicReadsCountAgainstItsOwnLimitAndNothingElseDoes() throws Exception {
    Map<String, Object> reads = scopeDown(rule("public-read-per-ip"));
    for (String path :
        List.of(
            "/prod/profiles/michael", "/PROD//Profiles/./michael", "/prod/%70rofiles/michael")) {
      assertTrue(matches(reads, "GET", path), "public-read-per-ip counts GET " + path);
      assertTrue(matches(reads, "HEAD", path), "public-read-per-ip counts HEAD " + path);
    }
    // Writes and the other routes have their own buckets and rules.
    assertFalse(matches(reads, "PUT", "/prod/profiles/michael"));
    assertFalse(matches(reads, "DELETE", "/prod/profiles/michael"));
    assertFalse(matches(reads, "GET", "/prod/locations/michael"));
    assertFalse(matches(reads, "POST", "/prod/auth/tokens"));
    assertFalse(matches(scopeDown(rule("login-per-ip")), "GET", "/prod/profiles/michael"));
  }

  private static Map<String, Object> rule(String name) throws Exception {
    // Production's view: WAF is on there, and the stage name (prod) is substituted.
    Map<String, Object> acl = Rehearsal.props(Rehearsal.resolved("production"), "WebAcl");
    for (Object r : (List<?>) acl.get("Rules")) {
      if (name.equals(Rehearsal.map(r).get("Name"))) {
        return Rehearsal.map(r);
      }
    }
    throw new AssertionError("no rule " + name);
  }

  private static Map<String, Object> scopeDown(Map<String, Object> rule) {
    Map<String, Object> rate =
        Rehearsal.map(Rehearsal.map(rule.get("Statement")).get("RateBasedStatement"));
    return Rehearsal.map(rate.get("ScopeDownStatement"));
  }

  /** Evaluates the statements the rules use; anything else fails the test rather than guess. */
  static boolean matches(Map<String, Object> statement, String method, String path) {
    assertEquals(1, statement.size(), "one statement: " + statement);
    Map.Entry<String, Object> e = statement.entrySet().iterator().next();
    Map<String, Object> s = Rehearsal.map(e.getValue());
    switch (e.getKey()) {
      case "AndStatement" -> {
        for (Object inner : (List<?>) s.get("Statements")) {
          if (!matches(Rehearsal.map(inner), method, path)) {
            return false;
          }
        }
        return true;
      }
      case "RegexMatchStatement" -> {
        String value = transformed(s, field(s, method, path));
        return Pattern.compile(String.valueOf(s.get("RegexString"))).matcher(value).find();
      }
      case "ByteMatchStatement" -> {
        String value = transformed(s, field(s, method, path));
        String search = String.valueOf(s.get("SearchString"));
        return switch (String.valueOf(s.get("PositionalConstraint"))) {
          case "EXACTLY" -> value.equals(search);
          case "STARTS_WITH" -> value.startsWith(search);
          case "ENDS_WITH" -> value.endsWith(search);
          case "CONTAINS" -> value.contains(search);
          default -> throw new AssertionError("constraint " + s.get("PositionalConstraint"));
        };
      }
      default -> {
        fail("statement not modelled here: " + e.getKey());
        return false;
      }
    }
  }

  private static String field(Map<String, Object> s, String method, String path) {
    Map<String, Object> field = Rehearsal.map(s.get("FieldToMatch"));
    if (field.containsKey("UriPath")) {
      return path;
    }
    if (field.containsKey("Method")) {
      return method;
    }
    throw new AssertionError("field not modelled here: " + field);
  }

  private static String transformed(Map<String, Object> s, String value) {
    List<Map<String, Object>> steps =
        ((List<?>) s.get("TextTransformations"))
            .stream()
                .map(Rehearsal::map)
                .sorted(Comparator.comparingInt(t -> ((Number) t.get("Priority")).intValue()))
                .toList();
    for (Map<String, Object> t : steps) {
      value =
          switch (String.valueOf(t.get("Type"))) {
            case "NONE" -> value;
            case "LOWERCASE" -> value.toLowerCase(Locale.ROOT);
            case "URL_DECODE" ->
                URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
            case "NORMALIZE_PATH" -> normalized(value);
            default -> throw new AssertionError("transformation not modelled: " + t.get("Type"));
          };
    }
    return value;
  }

  /** WAF's NORMALIZE_PATH: multiple slashes, self-references (./) and back-references (../). */
  static String normalized(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    String out = "/" + String.join("/", parts);
    return path.endsWith("/") && !out.equals("/") ? out + "/" : out;
  }
}
