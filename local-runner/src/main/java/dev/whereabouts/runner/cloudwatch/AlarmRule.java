package dev.whereabouts.runner.cloudwatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A composite alarm's rule: {@code ALARM(name)}, {@code OK(name)}, {@code INSUFFICIENT_DATA(name)},
 * {@code TRUE}, {@code FALSE}, combined with {@code AND}, {@code OR}, {@code NOT} and parentheses.
 * A name may be quoted and may be the alarm's ARN.
 */
public final class AlarmRule {
  /** A parsed rule. */
  public interface Rule {
    /** Whether the rule holds, given each alarm's state. */
    boolean holds(Function<String, State> states);

    /** The alarms it names. */
    void collect(List<String> out);
  }

  private final String text;
  private int pos;

  private AlarmRule(String text) {
    this.text = text;
  }

  /** Parses {@code text}; a rule it cannot read is an {@link IllegalArgumentException}. */
  public static Rule parse(String text) {
    AlarmRule p = new AlarmRule(text);
    Rule r = p.or();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected '" + text.substring(p.pos) + "'");
    }
    return r;
  }

  /** The alarms {@code rule} names. */
  public static List<String> names(Rule rule) {
    List<String> out = new ArrayList<>();
    rule.collect(out);
    return out;
  }

  private Rule or() {
    Rule left = and();
    while (keyword("OR")) {
      Rule l = left;
      Rule r = and();
      left = node(s -> l.holds(s) || r.holds(s), l, r);
    }
    return left;
  }

  private Rule and() {
    Rule left = not();
    while (keyword("AND")) {
      Rule l = left;
      Rule r = not();
      left = node(s -> l.holds(s) && r.holds(s), l, r);
    }
    return left;
  }

  private Rule not() {
    if (keyword("NOT")) {
      Rule r = not();
      return node(s -> !r.holds(s), r);
    }
    return primary();
  }

  private Rule primary() {
    skipSpace();
    if (pos < text.length() && text.charAt(pos) == '(') {
      pos++;
      Rule r = or();
      expect(')');
      return r;
    }
    if (keyword("TRUE")) {
      return node(s -> true);
    }
    if (keyword("FALSE")) {
      return node(s -> false);
    }
    for (State state : State.values()) {
      if (keyword(state.name())) {
        expect('(');
        String name = name();
        expect(')');
        return new Rule() {
          @Override
          public boolean holds(Function<String, State> states) {
            return states.apply(name) == state;
          }

          @Override
          public void collect(List<String> out) {
            out.add(name);
          }
        };
      }
    }
    throw error("expected ALARM(…), OK(…), INSUFFICIENT_DATA(…), TRUE, FALSE, NOT or '('");
  }

  private String name() {
    skipSpace();
    String raw;
    if (pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')) {
      char quote = text.charAt(pos++);
      int end = text.indexOf(quote, pos);
      if (end < 0) {
        throw error("unterminated name");
      }
      raw = text.substring(pos, end);
      pos = end + 1;
    } else {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != ')') {
        pos++;
      }
      raw = text.substring(start, pos).trim();
    }
    int alarm = raw.indexOf(":alarm:");
    return raw.startsWith("arn:") && alarm >= 0 ? raw.substring(alarm + 7) : raw;
  }

  private static Rule node(java.util.function.Predicate<Function<String, State>> p, Rule... kids) {
    return new Rule() {
      @Override
      public boolean holds(Function<String, State> states) {
        return p.test(states);
      }

      @Override
      public void collect(List<String> out) {
        for (Rule k : kids) {
          k.collect(out);
        }
      }
    };
  }

  private boolean keyword(String word) {
    skipSpace();
    int end = pos + word.length();
    if (end <= text.length()
        && text.substring(pos, end).toUpperCase(Locale.ROOT).equals(word)
        && (end == text.length()
            || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'))) {
      pos = end;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private void expect(char c) {
    skipSpace();
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        "alarm rule '" + text + "': " + what + " at position " + (pos + 1));
  }
}
