package dev.whereabouts.runner.cloudwatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An alarm as the template declares it ({@code AWS::CloudWatch::Alarm} or its composite). */
public sealed interface AlarmDefinition {
  /** The alarm's name (its {@code AlarmName}, else its logical id). */
  String name();

  /** Its {@code AlarmDescription}. */
  String description();

  /** How a comparison breaches the threshold. */
  enum Comparison {
    GreaterThanOrEqualToThreshold(">="),
    GreaterThanThreshold(">"),
    LessThanThreshold("<"),
    LessThanOrEqualToThreshold("<=");

    final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    boolean breaches(double value, double threshold) {
      return switch (this) {
        case GreaterThanOrEqualToThreshold -> value >= threshold;
        case GreaterThanThreshold -> value > threshold;
        case LessThanThreshold -> value < threshold;
        case LessThanOrEqualToThreshold -> value <= threshold;
      };
    }
  }

  /** {@code TreatMissingData}. */
  enum MissingData {
    breaching,
    notBreaching,
    ignore,
    missing
  }

  /**
   * One query of an alarm: a metric with its statistic, or a math expression over other queries.
   */
  record Query(
      String id,
      Optional<MetricKey> metric,
      Optional<Statistic> statistic,
      Optional<MetricMath.Expression> expression,
      boolean returnData) {}

  /** A metric alarm: one metric, or metric math whose ReturnData query is compared. */
  record Metric(
      String name,
      String description,
      List<Query> queries,
      int periodSeconds,
      double threshold,
      Comparison comparison,
      int evaluationPeriods,
      int datapointsToAlarm,
      MissingData missingData)
      implements AlarmDefinition {

    /** The query the threshold is compared with. */
    public Query compared() {
      return queries.stream().filter(Query::returnData).findFirst().orElseThrow();
    }

    /** Every metric the alarm reads. */
    public List<MetricKey> metrics() {
      return queries.stream().flatMap(q -> q.metric().stream()).toList();
    }
  }

  /** A composite alarm. */
  record Composite(String name, String description, AlarmRule.Rule rule, String ruleText)
      implements AlarmDefinition {}

  /**
   * Reads every {@code AWS::CloudWatch::Alarm} and {@code AWS::CloudWatch::CompositeAlarm} of the
   * template (properties already resolved), in template order.
   *
   * @throws IllegalArgumentException naming the alarm and what the runner cannot evaluate
   */
  static List<AlarmDefinition> read(
      List<dev.whereabouts.runner.template.Suite.Resource> resources) {
    List<AlarmDefinition> out = new ArrayList<>();
    for (var r : resources) {
      Map<String, Object> p = r.properties();
      String name = p.get("AlarmName") == null ? r.logicalId() : String.valueOf(p.get("AlarmName"));
      String description = String.valueOf(p.getOrDefault("AlarmDescription", ""));
      try {
        switch (r.type()) {
          case "AWS::CloudWatch::Alarm" -> out.add(metricAlarm(name, description, p));
          case "AWS::CloudWatch::CompositeAlarm" -> {
            String rule = String.valueOf(p.get("AlarmRule"));
            out.add(new Composite(name, description, AlarmRule.parse(rule), rule));
          }
          default -> {}
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(r.logicalId() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static Metric metricAlarm(String name, String description, Map<String, Object> p) {
    List<Query> queries = new ArrayList<>();
    int period;
    if (p.get("Metrics") != null) {
      period = 0;
      for (Object o : list(p.get("Metrics"))) {
        Map<String, Object> q = map(o);
        String id = String.valueOf(q.get("Id"));
        boolean returnData = !Boolean.FALSE.equals(bool(q.get("ReturnData")));
        if (q.get("Expression") != null) {
          queries.add(
              new Query(
                  id,
                  Optional.empty(),
                  Optional.empty(),
                  Optional.of(MetricMath.parse(String.valueOf(q.get("Expression")))),
                  returnData));
        } else {
          Map<String, Object> stat = map(q.get("MetricStat"));
          Map<String, Object> metric = map(stat.get("Metric"));
          period = (int) number(stat.get("Period"));
          queries.add(
              new Query(
                  id,
                  Optional.of(key(metric)),
                  Optional.of(Statistic.parse(String.valueOf(stat.get("Stat")))),
                  Optional.empty(),
                  returnData));
        }
      }
      if (queries.stream().filter(Query::returnData).count() != 1) {
        throw new IllegalArgumentException("exactly one of Metrics must have ReturnData true");
      }
    } else {
      Object stat =
          p.get("ExtendedStatistic") != null ? p.get("ExtendedStatistic") : p.get("Statistic");
      if (stat == null) {
        throw new IllegalArgumentException("Statistic or ExtendedStatistic is required");
      }
      period = (int) number(p.get("Period"));
      queries.add(
          new Query(
              "m1",
              Optional.of(key(p)),
              Optional.of(Statistic.parse(String.valueOf(stat))),
              Optional.empty(),
              true));
    }
    if (period <= 0) {
      throw new IllegalArgumentException("a Period is required");
    }
    if (p.get("ThresholdMetricId") != null) {
      throw new IllegalArgumentException("anomaly detection bands are not evaluated locally");
    }
    int evaluationPeriods = (int) number(p.get("EvaluationPeriods"));
    int datapoints =
        p.get("DatapointsToAlarm") == null
            ? evaluationPeriods
            : (int) number(p.get("DatapointsToAlarm"));
    return new Metric(
        name,
        description,
        List.copyOf(queries),
        period,
        number(p.get("Threshold")),
        Comparison.valueOf(String.valueOf(p.get("ComparisonOperator"))),
        evaluationPeriods,
        datapoints,
        MissingData.valueOf(String.valueOf(p.getOrDefault("TreatMissingData", "missing"))));
  }

  private static MetricKey key(Map<String, Object> metric) {
    Map<String, String> dims = new LinkedHashMap<>();
    for (Object d : list(metric.get("Dimensions"))) {
      dims.put(String.valueOf(map(d).get("Name")), String.valueOf(map(d).get("Value")));
    }
    return new MetricKey(
        String.valueOf(metric.get("Namespace")), String.valueOf(metric.get("MetricName")), dims);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : o == null ? List.of() : List.of(o);
  }

  private static Boolean bool(Object o) {
    return o == null ? null : o instanceof Boolean b ? b : Boolean.valueOf(String.valueOf(o));
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    if (o == null) {
      throw new IllegalArgumentException("a required number is missing");
    }
    return Double.parseDouble(String.valueOf(o));
  }
}
