package dev.whereabouts.runner.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An IAM policy document reduced to what API Gateway evaluates: statements of {@code Effect},
 * {@code Action} and {@code Resource}, with {@code *} and {@code ?} wildcards. An explicit Deny
 * wins over any Allow; with no matching Allow the answer is no.
 */
public final class Policy {
  private record Statement(boolean allow, List<Pattern> actions, List<Pattern> resources) {}

  private final List<Statement> statements;

  private Policy(List<Statement> statements) {
    this.statements = statements;
  }

  /**
   * Reads a policy document as parsed from JSON or YAML: a map with {@code Statement} holding one
   * statement map or a list of them; {@code Action}/{@code Resource} a string or a list.
   *
   * @throws IllegalArgumentException when the document has no usable statement
   */
  public static Policy from(Object document) {
    if (!(document instanceof Map<?, ?> doc)) {
      throw new IllegalArgumentException("a policy document must be an object");
    }
    Object raw = doc.get("Statement");
    List<Object> list = new ArrayList<>();
    if (raw instanceof Collection<?> c) {
      list.addAll(c);
    } else if (raw != null) {
      list.add(raw);
    }
    List<Statement> statements = new ArrayList<>();
    for (Object s : list) {
      if (!(s instanceof Map<?, ?> statement)) {
        continue;
      }
      Object effect = statement.get("Effect");
      if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
        continue;
      }
      statements.add(
          new Statement(
              "Allow".equals(effect),
              patterns(statement.get("Action")),
              patterns(statement.get("Resource"))));
    }
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("a policy document needs at least one statement");
    }
    return new Policy(statements);
  }

  private static List<Pattern> patterns(Object value) {
    List<Pattern> out = new ArrayList<>();
    if (value instanceof Collection<?> c) {
      for (Object v : c) {
        if (v instanceof String s) {
          out.add(wildcard(s));
        }
      }
    } else if (value instanceof String s) {
      out.add(wildcard(s));
    }
    return out;
  }

  /** IAM wildcards: {@code *} any run of characters, {@code ?} one character. */
  static Pattern wildcard(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** Whether this policy allows {@code action} on {@code resource}. */
  public boolean allows(String action, String resource) {
    boolean allowed = false;
    for (Statement s : statements) {
      if (matches(s.actions(), action) && matches(s.resources(), resource)) {
        if (!s.allow()) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }

  private static boolean matches(List<Pattern> patterns, String value) {
    for (Pattern p : patterns) {
      if (p.matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }
}
