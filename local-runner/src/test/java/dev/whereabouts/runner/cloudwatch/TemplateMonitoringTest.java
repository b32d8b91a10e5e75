package dev.whereabouts.runner.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alarms and the dashboard come from template.yaml, whatever it declares. */
class TemplateMonitoringTest {
  private static final Path TEMPLATE = SuiteUnderTest.repositoryRoot().resolve("template.yaml");

  private static Suite read(Path template) throws Exception {
    return SuiteReader.read(template, Map.of(), "eu-central-1");
  }

  private static long count(String text, String type) {
    return Pattern.compile("(?m)^\\s+Type: " + Pattern.quote(type) + "\\s*$")
        .matcher(text)
        .results()
        .count();
  }

  @Test
  void everyAlarmOfTheTemplateIsEvaluatedAndQuietWithoutTraffic() throws Exception {
    String text = Files.readString(TEMPLATE);
    MetricStore store = new MetricStore(Clock.systemUTC());
    Alarms alarms = Alarms.of(read(TEMPLATE).monitoring(), store, (n, f, t, r, first) -> {});
    long metric =
        alarms.definitions().stream().filter(d -> d instanceof AlarmDefinition.Metric).count();
    long composite = alarms.definitions().size() - metric;
    assertEquals(count(text, "AWS::CloudWatch::Alarm"), metric);
    assertEquals(count(text, "AWS::CloudWatch::CompositeAlarm"), composite);
    assertTrue(metric > 0);
    alarms.evaluate();
    // Every alarm of this template treats missing data as not breaching: no traffic, all OK.
    alarms.statuses().forEach(s -> assertEquals(State.OK, s.state(), s.name()));
    // Names resolve as CloudFormation resolves them: the composite names its children by Ref.
    assertTrue(
        alarms.statuses().stream().anyMatch(s -> s.name().equals("local-health") && s.composite()));
  }

  @Test
  void aTablesSystemErrorsAlarmFiresWhenOnlyOneOperationFails() throws Exception {
    MetricStore store = new MetricStore(Clock.systemUTC());
    Alarms alarms = Alarms.of(read(TEMPLATE).monitoring(), store, (n, f, t, r, first) -> {});
    // DynamoDB publishes SystemErrors only where errors happen: here GetItem only.
    store.put(
        MetricKey.of(
            "AWS/DynamoDB", "SystemErrors", "TableName", "AuthTable", "Operation", "GetItem"),
        3,
        System.currentTimeMillis() - 1_000);
    alarms.evaluate();
    assertEquals(
        State.ALARM,
        alarms.statuses().stream()
            .filter(s -> s.name().equals("local-auth-table-system-errors"))
            .findFirst()
            .orElseThrow()
            .state());
  }

  @Test
  void anAlarmAndAWidgetAddedToTheTemplateAppearWithoutCodeChanges(@TempDir Path dir)
      throws Exception {
    String text = Files.readString(TEMPLATE);
    String added =
        """
          PlannedTestAlarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              AlarmName: !Sub "${AWS::StackName}-planned-test"
              AlarmDescription: "Added by the test."
              Namespace: Whereabouts
              MetricName: LocationUpdated
              Statistic: Sum
              Dimensions:
                - Name: Service
                  Value: location
              Period: 60
              EvaluationPeriods: 1
              Threshold: 2
              ComparisonOperator: GreaterThanThreshold
              TreatMissingData: notBreaching

        """;
    int health = text.indexOf("  HealthAlarm:");
    assertTrue(health > 0, "the template's composite alarm is where this test inserts");
    String widget =
        "{\"type\":\"metric\",\"x\":0,\"y\":28,\"width\":12,\"height\":6,\"properties\":"
            + "{\"title\":\"Planned test widget\",\"view\":\"timeSeries\",\"stat\":\"Sum\","
            + "\"period\":60,\"metrics\":[[\"Whereabouts\",\"LocationUpdated\",\"Service\","
            + "\"location\"]],\"annotations\":{\"alarms\":[\"${PlannedTestAlarm.Arn}\"]}}},";
    String changed =
        (text.substring(0, health) + added + text.substring(health))
            .replace(
                "DashboardBody: !Sub '{\"widgets\":[",
                "DashboardBody: !Sub '{\"widgets\":[" + widget);
    assertTrue(changed.contains("Planned test widget"));
    Path template = dir.resolve("template.yaml");
    Files.writeString(template, changed);

    AlarmsTest.HandClock clock = new AlarmsTest.HandClock();
    MetricStore store = new MetricStore(clock);
    List<Suite.Resource> monitoring = read(template).monitoring();
    Alarms alarms = Alarms.of(monitoring, store, (n, f, t, r, first) -> {});
    MetricKey updated = MetricKey.of("Whereabouts", "LocationUpdated", "Service", "location");
    for (int i = 0; i < 3; i++) {
      store.put(updated, 1, clock.now - 1_000);
    }
    alarms.evaluate();
    assertEquals(State.ALARM, alarms.state("local-planned-test"));

    Dashboards dashboards = Dashboards.of(monitoring);
    JsonNode widgets =
        dashboards.render(
            dashboards.names().get(0), store, alarms, clock.now - 600_000, clock.now, 0);
    JsonNode planned = null;
    for (JsonNode w : widgets) {
      if (w.path("properties").path("title").asText().equals("Planned test widget")) {
        planned = w;
      }
    }
    assertTrue(planned != null, "the added widget is rendered");
    JsonNode values = planned.path("data").path("series").get(0).path("values");
    assertEquals(3.0, values.get(values.size() - 1).asDouble());
    assertEquals(
        "local-planned-test", planned.path("alarmAnnotations").get(0).path("name").asText());
    assertEquals("ALARM", planned.path("alarmAnnotations").get(0).path("state").asText());
    assertEquals(2.0, planned.path("alarmAnnotations").get(0).path("threshold").asDouble());
  }
}
