package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the alarms do once deployed: which ones roll a canary back, which ones can fail a release at
 * low traffic, which ones mail, and where an operator reads what to do.
 */
class AlarmPlumbingTest {
  private static final Pattern RUNBOOK =
      Pattern.compile("Runbook: docs/operations\\.md#([a-z0-9-]+)$");

  /**
   * The authorizer fails with "Unauthorized" for every refused token: its Errors are not a signal.
   */
  private static final Set<String> NO_ERRORS_SIGNAL = Set.of("AuthorizerFunction");

  @Test
  void everyCanaryRollsBackOnTheApis5xxAndOnItsFunctionsErrors() throws Exception {
    Map<String, Object> stack = Rehearsal.resolved("production");
    List<String> groups = StageIsolationTest.ofType(stack, "AWS::CodeDeploy::DeploymentGroup");
    assertEquals(4, groups.size(), "one deployment group per function: " + groups);
    for (String group : groups) {
      String function = group.substring(0, group.indexOf("DeploymentGroup"));
      Map<String, Object> config =
          Rehearsal.map(Rehearsal.props(stack, group).get("AlarmConfiguration"));
      List<Map<String, Object>> alarms = new ArrayList<>();
      for (Object a : (List<?>) config.get("Alarms")) {
        String id = String.valueOf(Rehearsal.map(Rehearsal.map(a).get("Name")).get("Ref"));
        alarms.add(Rehearsal.props(stack, id));
      }
      assertTrue(
          alarms.stream()
              .anyMatch(
                  a ->
                      "AWS/ApiGateway".equals(a.get("Namespace"))
                          && "5XXError".equals(a.get("MetricName"))
                          && ((Number) a.get("Period")).intValue() <= 60),
          function + "'s canary watches the API's 5XX per minute");
      if (!NO_ERRORS_SIGNAL.contains(function)) {
        assertTrue(
            alarms.stream()
                .anyMatch(
                    a ->
                        "AWS/Lambda".equals(a.get("Namespace"))
                            && "Errors".equals(a.get("MetricName"))
                            && String.valueOf(a.get("Dimensions")).contains("ExecutedVersion")),
            function + "'s canary watches its new version's errors");
      }
    }
  }

  @Test
  void aFewRequestsCannotFailTheReleaseGateOnAPercentile() throws Exception {
    Map<String, Object> template = Rehearsal.yaml("template.yaml");
    String rule =
        String.valueOf(
            Rehearsal.map(Rehearsal.props(template, "HealthAlarm").get("AlarmRule"))
                .get("Fn::Sub"));
    Matcher named = Pattern.compile("ALARM\\(\\\\?\"\\$\\{([A-Za-z0-9]+)}").matcher(rule);
    int percentiles = 0;
    while (named.find()) {
      Map<String, Object> p = Rehearsal.props(template, named.group(1));
      if (p.get("ExtendedStatistic") == null) {
        continue;
      }
      percentiles++;
      Object datapoints = p.get("DatapointsToAlarm");
      boolean mOfN = datapoints != null && ((Number) datapoints).intValue() >= 2;
      boolean ignoresFewSamples = "ignore".equals(p.get("EvaluateLowSampleCountPercentile"));
      assertTrue(
          mOfN || ignoresFewSamples,
          named.group(1)
              + ": a percentile of a handful of requests (snapshot restores after a"
              + " deploy) would fail the release");
    }
    assertTrue(percentiles > 0);
  }

  @Test
  void alarmsOnOneVersionDoNotMailOkOnEveryDeploy() throws Exception {
    Map<String, Object> template = Rehearsal.yaml("template.yaml");
    int canaries = 0;
    for (String id : StageIsolationTest.ofType(template, "AWS::CloudWatch::Alarm")) {
      Map<String, Object> p = Rehearsal.props(template, id);
      if (String.valueOf(p.get("Dimensions")).contains("ExecutedVersion")) {
        canaries++;
        assertFalse(p.containsKey("OKActions"), id + " mails OK whenever a deploy points it anew");
        assertFalse(((List<?>) p.get("AlarmActions")).isEmpty(), id + " still pages");
      }
    }
    assertTrue(canaries > 0);
  }

  @Test
  void everyAlarmSaysWhatItMeansAndLinksItsRunbookSection() throws Exception {
    Map<String, Object> template = Rehearsal.yaml("template.yaml");
    Map<String, String> sections = runbookSections();
    List<String> ids =
        new ArrayList<>(StageIsolationTest.ofType(template, "AWS::CloudWatch::Alarm"));
    ids.addAll(StageIsolationTest.ofType(template, "AWS::CloudWatch::CompositeAlarm"));
    assertTrue(ids.size() >= 30, "alarms: " + ids);
    for (String id : ids) {
      String description = String.valueOf(Rehearsal.props(template, id).get("AlarmDescription"));
      assertFalse(description.contains("\n"), id + ": one line");
      Matcher link = RUNBOOK.matcher(description);
      assertTrue(link.find(), id + " links its runbook section: " + description);
      String section = sections.get(link.group(1));
      assertTrue(section != null, id + ": docs/operations.md has no section #" + link.group(1));
      for (String part : List.of("Likely causes", "First command", "Recovered when")) {
        assertTrue(section.contains(part), "#" + link.group(1) + " says " + part);
      }
    }
  }

  @Test
  void theLocalDashboardLinksTheRunbook() throws Exception {
    String page =
        Files.readString(
            Rehearsal.ROOT.resolve("local-runner/src/main/resources/dashboard/index.html"));
    assertTrue(page.contains("docs/operations.md"), "the local dashboard links the runbook");
  }

  /** docs/operations.md's sections by their GitHub anchor (## headings). */
  static Map<String, String> runbookSections() throws Exception {
    String text = Files.readString(Rehearsal.ROOT.resolve("docs/operations.md"));
    Map<String, String> sections = new LinkedHashMap<>();
    Matcher heading = Pattern.compile("(?m)^## (.+)$").matcher(text);
    List<int[]> bounds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (heading.find()) {
      bounds.add(new int[] {heading.start(), heading.end()});
      names.add(heading.group(1));
    }
    for (int i = 0; i < names.size(); i++) {
      int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : text.length();
      String anchor =
          names.get(i).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
      sections.put(anchor, text.substring(bounds.get(i)[1], end));
    }
    Set<String> unique = new TreeSet<>(sections.keySet());
    assertEquals(names.size(), unique.size(), "unique section anchors");
    return sections;
  }
}
