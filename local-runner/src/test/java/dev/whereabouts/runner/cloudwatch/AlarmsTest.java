package dev.whereabouts.runner.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.template.Suite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alarm evaluation against series whose datapoints are worked out by hand in each test. */
class AlarmsTest {
  /** 2026-11-29T03:00:00Z, a whole minute: periods in these tests start at whole minutes. */
  private static final long T0 = 1_796_007_600_000L;

  static final class HandClock extends Clock {
    long now = T0;

    @Override
    public long millis() {
      return now;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final HandClock clock = new HandClock();
  private final MetricStore store = new MetricStore(clock);
  private final List<String> changes = new ArrayList<>();
  private static final MetricKey ERRORS = MetricKey.of("AWS/Lambda", "Errors", "FunctionName", "F");

  private static Map<String, Object> alarm(Object... keyValues) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("Namespace", "AWS/Lambda");
    p.put("MetricName", "Errors");
    p.put("Dimensions", List.of(Map.of("Name", "FunctionName", "Value", "F")));
    p.put("Statistic", "Sum");
    p.put("Period", 60);
    p.put("EvaluationPeriods", 3);
    p.put("DatapointsToAlarm", 2);
    p.put("Threshold", 1);
    p.put("ComparisonOperator", "GreaterThanOrEqualToThreshold");
    p.put("TreatMissingData", "notBreaching");
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        p.remove((String) keyValues[i]);
      } else {
        p.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return p;
  }

  private Alarms alarms(Map<String, Object> properties) {
    Map<String, Object> p = new LinkedHashMap<>(properties);
    p.put("AlarmName", "a");
    return Alarms.of(
        List.of(new Suite.Resource("A", "AWS::CloudWatch::Alarm", p)),
        store,
        (name, from, to, reason, first) -> changes.add(name + " " + from + "->" + to));
  }

  /** Puts {@code value} {@code secondsAgo} before the clock's now. */
  private void put(MetricKey key, double value, int secondsAgo) {
    store.put(key, value, clock.now - secondsAgo * 1000L);
  }

  @Test
  void statisticsOfOnePeriodAreCloudWatchs() {
    for (int v = 1; v <= 100; v++) {
      store.put(ERRORS, v, T0 + v * 100);
    }
    long from = T0;
    long to = T0 + 60_000;
    assertEquals(5050, store.statistic(ERRORS, Statistic.parse("Sum"), from, to).getAsDouble());
    assertEquals(50.5, store.statistic(ERRORS, Statistic.parse("Average"), from, to).getAsDouble());
    assertEquals(1, store.statistic(ERRORS, Statistic.parse("Minimum"), from, to).getAsDouble());
    assertEquals(100, store.statistic(ERRORS, Statistic.parse("Maximum"), from, to).getAsDouble());
    assertEquals(
        100, store.statistic(ERRORS, Statistic.parse("SampleCount"), from, to).getAsDouble());
    // Nearest rank: p50 of 1..100 is the 50th smallest, p99 the 99th, p99.9 the 100th.
    assertEquals(50, store.statistic(ERRORS, Statistic.parse("p50"), from, to).getAsDouble());
    assertEquals(99, store.statistic(ERRORS, Statistic.parse("p99"), from, to).getAsDouble());
    assertEquals(100, store.statistic(ERRORS, Statistic.parse("p99.9"), from, to).getAsDouble());
    assertTrue(store.statistic(ERRORS, Statistic.parse("Sum"), to, to + 60_000).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Statistic.parse("tm99"));
  }

  @Test
  void anHourUnderLoadKeepsFewSamplesButExactSumsAndCounts() {
    // 200 samples a second for an hour: values 0..199 in every second.
    long start = T0 - 3_600_000;
    for (long ms = start; ms < T0; ms += 1000) {
      for (int v = 0; v < 200; v++) {
        store.put(ERRORS, v, ms + v);
      }
    }
    long detailed = MetricStore.DETAILED_SECONDS;
    int bound =
        (int) (detailed + 1) * MetricStore.KEPT_PER_SECOND
            + (int) (3600 - detailed) * MetricStore.KEPT_WHEN_OLD;
    assertTrue(store.keptSamples(ERRORS) <= bound, store.keptSamples(ERRORS) + " > " + bound);
    assertEquals(
        200 * 3600,
        store.statistic(ERRORS, Statistic.parse("SampleCount"), start, T0).getAsDouble());
    assertEquals(
        3600 * 19_900.0, store.statistic(ERRORS, Statistic.parse("Sum"), start, T0).getAsDouble());
    // Percentiles from the samples: near the true p50 (99) in old and recent minutes alike.
    double oldP50 =
        store.statistic(ERRORS, Statistic.parse("p50"), start, start + 600_000).getAsDouble();
    double newP50 = store.statistic(ERRORS, Statistic.parse("p50"), T0 - 600_000, T0).getAsDouble();
    assertEquals(99, oldP50, 15);
    assertEquals(99, newP50, 15);
  }

  @Test
  void datapointsAreAlignedToThePeriodAndLeaveOutEmptyPeriods() {
    store.put(ERRORS, 2, T0 + 5_000);
    store.put(ERRORS, 3, T0 + 59_999);
    store.put(ERRORS, 4, T0 + 120_000);
    var points = store.datapoints(ERRORS, Statistic.parse("Sum"), 60, T0 + 1_000, T0 + 180_000);
    assertEquals(
        List.of(new MetricStore.Datapoint(T0, 5), new MetricStore.Datapoint(T0 + 120_000, 4)),
        points);
  }

  @Test
  void twoOfThreeBreachingPeriodsMakeAlarmAndOneDoesNot() {
    Alarms a = alarms(alarm());
    put(ERRORS, 1, 30); // the newest period
    put(ERRORS, 0, 150); // the oldest: present, not breaching
    a.evaluate();
    assertEquals(State.OK, a.state("a"));
    put(ERRORS, 1, 90); // the middle period: now 2 of 3 breach
    a.evaluate();
    assertEquals(State.ALARM, a.state("a"));
    assertEquals(List.of("a INSUFFICIENT_DATA->OK", "a OK->ALARM"), changes);
    clock.now += 60_000; // the breaching periods are now the middle and oldest: still 2 of 3
    a.evaluate();
    assertEquals(State.ALARM, a.state("a"));
    clock.now += 60_000; // only one breaching period left in the last three
    a.evaluate();
    assertEquals(State.OK, a.state("a"));
  }

  @Test
  void missingDataIsTreatedAsTheAlarmSays() {
    // No datapoint at all in the last three periods.
    Alarms notBreaching = alarms(alarm());
    notBreaching.evaluate();
    assertEquals(State.OK, notBreaching.state("a"));
    assertEquals(
        "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints"
            + " were treated as notBreaching.",
        notBreaching.statuses().get(0).reason());

    Alarms breaching = alarms(alarm("TreatMissingData", "breaching"));
    breaching.evaluate();
    assertEquals(State.ALARM, breaching.state("a"));

    Alarms missing = alarms(alarm("TreatMissingData", "missing"));
    missing.evaluate();
    assertEquals(State.INSUFFICIENT_DATA, missing.state("a"));

    Alarms byDefault = alarms(alarm("TreatMissingData", null));
    byDefault.evaluate();
    assertEquals(State.INSUFFICIENT_DATA, byDefault.state("a"));
  }

  @Test
  void ignoreKeepsTheStateWhileNoDataArrives() {
    Alarms a =
        alarms(alarm("TreatMissingData", "ignore", "EvaluationPeriods", 1, "DatapointsToAlarm", 1));
    put(ERRORS, 3, 10);
    a.evaluate();
    assertEquals(State.ALARM, a.state("a"));
    clock.now += 600_000; // ten minutes without a datapoint
    a.evaluate();
    assertEquals(State.ALARM, a.state("a"));
    put(ERRORS, 0, 10);
    a.evaluate();
    assertEquals(State.OK, a.state("a"));
  }

  @Test
  void oneMissingDatapointCountsAsBreachingWhenTheAlarmSaysSo() {
    // Periods, oldest first: 5 (breaches), missing, 0. Breaching counts 2 with "breaching" only.
    put(ERRORS, 5, 150);
    put(ERRORS, 0, 30);
    Alarms breaching = alarms(alarm("TreatMissingData", "breaching"));
    Alarms notBreaching = alarms(alarm());
    Alarms missing = alarms(alarm("TreatMissingData", "missing"));
    breaching.evaluate();
    notBreaching.evaluate();
    missing.evaluate();
    assertEquals(State.ALARM, breaching.state("a"));
    assertEquals(State.OK, notBreaching.state("a"));
    assertEquals(State.OK, missing.state("a"));
  }

  @Test
  void aPercentileAlarmComparesTheP99OfEachPeriod() {
    MetricKey duration = MetricKey.of("AWS/Lambda", "Duration", "FunctionName", "F");
    // 100 invocations in the last minute: 98 fast, 2 slow. p99 is the 99th smallest: slow.
    for (int i = 0; i < 98; i++) {
      put(duration, 20, 30);
    }
    put(duration, 5000, 30);
    put(duration, 5000, 30);
    Alarms a =
        alarms(
            alarm(
                "MetricName",
                "Duration",
                "Statistic",
                null,
                "ExtendedStatistic",
                "p99",
                "Threshold",
                4000,
                "ComparisonOperator",
                "GreaterThanThreshold",
                "EvaluationPeriods",
                1,
                "DatapointsToAlarm",
                1));
    a.evaluate();
    assertEquals(State.ALARM, a.state("a"));
  }

  private static Map<String, Object> metricStat(String id, String operation) {
    return Map.of(
        "Id",
        id,
        "ReturnData",
        false,
        "MetricStat",
        Map.of(
            "Metric",
            Map.of(
                "Namespace",
                "AWS/DynamoDB",
                "MetricName",
                "SystemErrors",
                "Dimensions",
                List.of(
                    Map.of("Name", "TableName", "Value", "T"),
                    Map.of("Name", "Operation", "Value", operation))),
            "Period",
            60,
            "Stat",
            "Sum"));
  }

  private Map<String, Object> mathAlarm(String expression) {
    return alarm(
        "Namespace", null,
        "MetricName", null,
        "Dimensions", null,
        "Statistic", null,
        "Period", null,
        "EvaluationPeriods", 1,
        "DatapointsToAlarm", 1,
        "Metrics",
            List.of(
                Map.of("Id", "total", "Expression", expression, "ReturnData", true),
                metricStat("getitem", "GetItem"),
                metricStat("putitem", "PutItem")));
  }

  @Test
  void metricMathIsMissingWhereAnOperandIsMissingUnlessFilled() {
    store.put(
        MetricKey.of("AWS/DynamoDB", "SystemErrors", "TableName", "T", "Operation", "GetItem"),
        1,
        clock.now - 10_000);
    // PutItem had no errors, so no datapoint: getitem + putitem has none either.
    Alarms plain = alarms(mathAlarm("getitem + putitem"));
    plain.evaluate();
    assertEquals(State.OK, plain.state("a"));
    Alarms filled = alarms(mathAlarm("FILL(getitem, 0) + FILL(putitem, 0)"));
    filled.evaluate();
    assertEquals(State.ALARM, filled.state("a"));
    Alarms summed = alarms(mathAlarm("SUM([getitem, putitem])"));
    summed.evaluate();
    assertEquals(State.ALARM, summed.state("a"));
  }

  @Test
  void metricMathFollowsArithmetic() {
    var e = MetricMath.parse("100 * errors / (invocations - 2) ^ 1");
    var v =
        e.evaluate(
            id ->
                java.util.OptionalDouble.of(
                    switch (id) {
                      case "errors" -> 3;
                      default -> 12;
                    }));
    assertEquals(30, v.getAsDouble(), 1e-9);
    assertTrue(MetricMath.parse("a / 0").evaluate(id -> java.util.OptionalDouble.of(1)).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> MetricMath.parse("RATE(m1)"));
    assertThrows(IllegalArgumentException.class, () -> MetricMath.parse("a + "));
  }

  @Test
  void theCompositeRuleCombinesTheOtherAlarms() {
    Map<String, State> states = new LinkedHashMap<>();
    states.put("x", State.OK);
    states.put("y", State.ALARM);
    states.put("z", State.INSUFFICIENT_DATA);
    AlarmRule.Rule rule =
        AlarmRule.parse(
            "ALARM(\"x\") OR (ALARM(y) AND NOT OK('arn:aws:cloudwatch:eu-central-1:1:alarm:z'))");
    assertTrue(rule.holds(states::get));
    states.put("z", State.OK);
    assertTrue(!rule.holds(states::get));
    assertTrue(
        AlarmRule.parse("TRUE AND INSUFFICIENT_DATA(z) OR FALSE")
            .holds(n -> State.INSUFFICIENT_DATA));
    assertEquals(List.of("x", "y", "z"), AlarmRule.names(rule));
    assertThrows(IllegalArgumentException.class, () -> AlarmRule.parse("ALARM(x) XOR ALARM(y)"));
  }

  @Test
  void theAlarmsJsonHasTheFieldsOpsStatusReads() {
    Alarms a = alarms(alarm("EvaluationPeriods", 1, "DatapointsToAlarm", 1));
    put(ERRORS, 1, 5);
    a.evaluate();
    var json = a.toJson("local");
    assertEquals("local", json.path("stack").asText());
    assertEquals(1, json.path("notOk").asInt());
    var first = json.path("alarms").get(0);
    assertEquals("a", first.path("name").asText());
    assertEquals("ALARM", first.path("state").asText());
    assertTrue(first.path("reason").asText().startsWith("Threshold Crossed: 1 out of the last 1"));
    assertEquals(Instant.ofEpochMilli(clock.now), Instant.parse(first.path("since").asText()));
    assertTrue(first.path("composite").isBoolean());
  }

  @Test
  void aCompositeAlarmFollowsItsChildren() {
    Map<String, Object> child =
        new LinkedHashMap<>(alarm("EvaluationPeriods", 1, "DatapointsToAlarm", 1));
    child.put("AlarmName", "child");
    Alarms a =
        Alarms.of(
            List.of(
                new Suite.Resource("Child", "AWS::CloudWatch::Alarm", child),
                new Suite.Resource(
                    "Health",
                    "AWS::CloudWatch::CompositeAlarm",
                    Map.of("AlarmName", "health", "AlarmRule", "ALARM(\"child\")"))),
            store,
            (name, from, to, reason, first) -> changes.add(name + " " + from + "->" + to));
    a.evaluate();
    assertEquals(State.OK, a.state("health"));
    // The JSON carries the composite's rule: ops gate watches the alarms it names.
    for (var j : a.toJson("x").path("alarms")) {
      assertEquals(
          j.path("name").asText().equals("health") ? "ALARM(\"child\")" : "",
          j.path("rule").asText(""));
    }
    put(ERRORS, 1, 5);
    a.evaluate();
    assertEquals(State.ALARM, a.state("child"));
    assertEquals(State.ALARM, a.state("health"));
    clock.now += 60_000;
    a.evaluate();
    assertEquals(State.OK, a.state("health"));
    assertEquals(
        List.of(
            "child INSUFFICIENT_DATA->OK",
            "health INSUFFICIENT_DATA->OK",
            "child OK->ALARM",
            "health OK->ALARM",
            "child ALARM->OK",
            "health ALARM->OK"),
        changes);
  }
}
