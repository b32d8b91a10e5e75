package dev.whereabouts.runner.cloudwatch;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A CloudWatch statistic: Sum, Average, Minimum, Maximum, SampleCount or a percentile pNN. */
public record Statistic(Kind kind, double percentile) {
  /** The statistic's kind. */
  public enum Kind {
    SUM,
    AVERAGE,
    MINIMUM,
    MAXIMUM,
    SAMPLE_COUNT,
    PERCENTILE
  }

  private static final Pattern PERCENTILE = Pattern.compile("^p(\\d{1,2}(\\.\\d+)?|100)$");

  /**
   * Parses a statistic as templates and dashboards write it.
   *
   * @throws IllegalArgumentException for a statistic the runner does not compute (e.g. trimmed
   *     means), so a template that uses one fails at start with its name
   */
  public static Statistic parse(String text) {
    String t = text.trim();
    switch (t.toLowerCase(Locale.ROOT)) {
      case "sum":
        return new Statistic(Kind.SUM, 0);
      case "average", "avg":
        return new Statistic(Kind.AVERAGE, 0);
      case "minimum", "min":
        return new Statistic(Kind.MINIMUM, 0);
      case "maximum", "max":
        return new Statistic(Kind.MAXIMUM, 0);
      case "samplecount":
        return new Statistic(Kind.SAMPLE_COUNT, 0);
      default:
        break;
    }
    Matcher m = PERCENTILE.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      return new Statistic(Kind.PERCENTILE, Double.parseDouble(m.group(1)) / 100);
    }
    throw new IllegalArgumentException("unsupported statistic '" + text + "'");
  }
}
