package dev.whereabouts.runner.cloudwatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

/**
 * A metric math expression ({@code m1 + m2}, {@code 100 * errors / invocations}, {@code FILL(m1,
 * 0)}, {@code SUM([m1, m2])}) evaluated for one period at a time. As in CloudWatch, an arithmetic
 * operation whose operand has no datapoint in the period has none either (that is what {@code FILL}
 * is for), and the array functions skip missing members. Functions over the whole series (RATE,
 * DIFF, …) are not supported: parsing names them.
 */
public final class MetricMath {
  private static final Set<String> ARRAY_FUNCTIONS = Set.of("SUM", "AVG", "MIN", "MAX");

  /** A parsed expression. */
  public interface Expression {
    /** The value for one period, given each id's value in that period. */
    OptionalDouble evaluate(Function<String, OptionalDouble> ids);

    /** The ids the expression reads. */
    default List<String> ids() {
      List<String> out = new ArrayList<>();
      collect(out);
      return out;
    }

    void collect(List<String> out);
  }

  private final String text;
  private int pos;

  private MetricMath(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming what it cannot parse
   */
  public static Expression parse(String text) {
    MetricMath p = new MetricMath(text);
    Expression e = p.sum();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected '" + text.substring(p.pos) + "'");
    }
    return e;
  }

  private Expression sum() {
    Expression left = product();
    while (true) {
      skipSpace();
      if (peek('+') || peek('-')) {
        char op = text.charAt(pos++);
        Expression l = left;
        Expression r = product();
        left = binary(l, r, op);
      } else {
        return left;
      }
    }
  }

  private Expression product() {
    Expression left = power();
    while (true) {
      skipSpace();
      if (peek('*') || peek('/')) {
        char op = text.charAt(pos++);
        Expression l = left;
        Expression r = power();
        left = binary(l, r, op);
      } else {
        return left;
      }
    }
  }

  private Expression power() {
    Expression base = unary();
    skipSpace();
    if (peek('^')) {
      pos++;
      return binary(base, power(), '^');
    }
    return base;
  }

  private Expression unary() {
    skipSpace();
    if (peek('-')) {
      pos++;
      Expression e = unary();
      return binary(constant(0), e, '-');
    }
    return primary();
  }

  private Expression primary() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    if (c == '(') {
      pos++;
      Expression e = sum();
      expect(')');
      return e;
    }
    if (Character.isDigit(c) || c == '.') {
      int start = pos;
      while (pos < text.length()
          && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      return constant(Double.parseDouble(text.substring(start, pos)));
    }
    if (Character.isLetter(c)) {
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      String name = text.substring(start, pos);
      skipSpace();
      if (peek('(')) {
        pos++;
        return function(name.toUpperCase(Locale.ROOT));
      }
      return id(name);
    }
    throw error("unexpected '" + c + "'");
  }

  private Expression function(String name) {
    if (name.equals("FILL")) {
      Expression series = sum();
      expect(',');
      Expression fill = sum();
      expect(')');
      return new Expression() {
        @Override
        public OptionalDouble evaluate(Function<String, OptionalDouble> ids) {
          OptionalDouble v = series.evaluate(ids);
          return v.isPresent() ? v : fill.evaluate(ids);
        }

        @Override
        public void collect(List<String> out) {
          series.collect(out);
          fill.collect(out);
        }
      };
    }
    if (name.equals("ABS")) {
      Expression e = sum();
      expect(')');
      return new Expression() {
        @Override
        public OptionalDouble evaluate(Function<String, OptionalDouble> ids) {
          OptionalDouble v = e.evaluate(ids);
          return v.isPresent() ? OptionalDouble.of(Math.abs(v.getAsDouble())) : v;
        }

        @Override
        public void collect(List<String> out) {
          e.collect(out);
        }
      };
    }
    if (ARRAY_FUNCTIONS.contains(name)) {
      skipSpace();
      List<Expression> members = new ArrayList<>();
      boolean bracket = peek('[');
      if (bracket) {
        pos++;
      }
      members.add(sum());
      skipSpace();
      while (peek(',')) {
        pos++;
        members.add(sum());
        skipSpace();
      }
      if (bracket) {
        expect(']');
      }
      expect(')');
      if (!bracket && members.size() == 1) {
        throw error(name + " of one series aggregates over time, which the runner does not do");
      }
      return new Expression() {
        @Override
        public OptionalDouble evaluate(Function<String, OptionalDouble> ids) {
          List<Double> present = new ArrayList<>();
          for (Expression m : members) {
            m.evaluate(ids).ifPresent(present::add);
          }
          if (present.isEmpty()) {
            return OptionalDouble.empty();
          }
          return switch (name) {
            case "SUM" -> OptionalDouble.of(present.stream().mapToDouble(d -> d).sum());
            case "AVG" -> present.stream().mapToDouble(d -> d).average();
            case "MIN" -> present.stream().mapToDouble(d -> d).min();
            default -> present.stream().mapToDouble(d -> d).max();
          };
        }

        @Override
        public void collect(List<String> out) {
          members.forEach(m -> m.collect(out));
        }
      };
    }
    throw error("the function " + name + " is not supported by the local runner");
  }

  private static Expression constant(double value) {
    return new Expression() {
      @Override
      public OptionalDouble evaluate(Function<String, OptionalDouble> ids) {
        return OptionalDouble.of(value);
      }

      @Override
      public void collect(List<String> out) {}
    };
  }

  private static Expression id(String name) {
    return new Expression() {
      @Override
      public OptionalDouble evaluate(Function<String, OptionalDouble> ids) {
        return ids.apply(name);
      }

      @Override
      public void collect(List<String> out) {
        out.add(name);
      }
    };
  }

  private static Expression binary(Expression l, Expression r, char op) {
    return new Expression() {
      @Override
      public OptionalDouble evaluate(Function<String, OptionalDouble> ids) {
        OptionalDouble a = l.evaluate(ids);
        OptionalDouble b = r.evaluate(ids);
        if (a.isEmpty() || b.isEmpty()) {
          return OptionalDouble.empty();
        }
        double x = a.getAsDouble();
        double y = b.getAsDouble();
        double v =
            switch (op) {
              case '+' -> x + y;
              case '-' -> x - y;
              case '*' -> x * y;
              case '/' -> x / y;
              default -> Math.pow(x, y);
            };
        // CloudWatch drops the datapoints a division by zero makes.
        return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
      }

      @Override
      public void collect(List<String> out) {
        l.collect(out);
        r.collect(out);
      }
    };
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    skipSpace();
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        "metric math '" + text + "': " + what + " at position " + (pos + 1));
  }
}
