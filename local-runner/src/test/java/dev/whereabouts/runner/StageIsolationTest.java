package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two stacks the pipeline deploys into one account, as each would hold its template
 * (deploy/rehearse.py's resolved views): what they share (the account's concurrency), what each
 * needs on its own (someone paged), and what must never cross between them (custom metrics).
 */
class StageIsolationTest {
  /** What shared-lib's Metrics writes (its MetricsTest checks the lines themselves). */
  private static final String NAMESPACE = "Whereabouts";

  private static final String SERVICE_DIMENSION = "Service";
  private static final String STACK_DIMENSION = "Stack";
  private static final String STACK_VARIABLE = "STACK_NAME";

  /** Lambda keeps this much of an account's concurrency unreserved. */
  static final int UNRESERVED_MINIMUM = 100;

  private static int reserved(Map<String, Object> stack) {
    int sum = 0;
    for (Object r : Rehearsal.resources(stack).values()) {
      Map<String, Object> resource = Rehearsal.map(r);
      if ("AWS::Lambda::Function".equals(resource.get("Type"))) {
        Object n = Rehearsal.map(resource.get("Properties")).get("ReservedConcurrentExecutions");
        sum += n == null ? 0 : Integer.parseInt(String.valueOf(n));
      }
    }
    return sum;
  }

  @Test
  void theStagesReservedConcurrencyFitsTheQuotaThePipelineStates() throws Exception {
    Map<String, Object> pipeline = Rehearsal.yaml("pipeline.yaml");
    Map<String, Object> parameter =
        Rehearsal.map(
            Rehearsal.map(pipeline.get("Parameters")).get("AuthorizerReservedConcurrency"));
    String description = String.valueOf(parameter.get("Description"));
    // Each allowed value states the quota it needs: "50: the account's ... at least 200".
    Map<Integer, Integer> stated = new TreeMap<>();
    Matcher m = Pattern.compile("(\\d+):[^.]*? at least (\\d+)").matcher(description);
    while (m.find()) {
      stated.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    String readme = Files.readString(Rehearsal.ROOT.resolve("README.md"));
    for (Object v : (List<?>) parameter.get("AllowedValues")) {
      int value = Integer.parseInt(String.valueOf(v));
      if (value == 0) {
        continue;
      }
      assertTrue(stated.containsKey(value), "the description states the quota for " + value);
      assertTrue(
          stated.get(value) >= 2 * value + UNRESERVED_MINIMUM,
          value + " per stage needs at least " + (2 * value + UNRESERVED_MINIMUM));
      assertTrue(
          readme.contains("| " + value + " | " + stated.get(value) + " |"),
          "README's quota table row for " + value);
    }
    int total = 0;
    for (String set : Rehearsal.sets()) {
      total += reserved(Rehearsal.resolved(set));
    }
    int chosen = Integer.parseInt(String.valueOf(parameter.get("Default")));
    int quota = chosen == 0 ? UNRESERVED_MINIMUM : stated.get(chosen);
    assertEquals(2 * chosen, total, "both stages reserve the pipeline's value");
    assertTrue(
        total + UNRESERVED_MINIMUM <= quota,
        "reserved " + total + " + " + UNRESERVED_MINIMUM + " unreserved > stated quota " + quota);
  }

  @Test
  void everyAlarmTopicOfAPipelineStackHasASubscriberOrTheDocumentedOptOut() throws Exception {
    String readme = Files.readString(Rehearsal.ROOT.resolve("README.md"));
    for (String set : Rehearsal.sets()) {
      Map<String, Object> stack = Rehearsal.resolved(set);
      Map<String, Object> resources = Rehearsal.resources(stack);
      String email = String.valueOf(Rehearsal.map(stack.get("Parameters")).get("AlarmEmail"));
      for (String topic : ofType(stack, "AWS::SNS::Topic")) {
        boolean subscribed =
            resources.values().stream()
                .map(Rehearsal::map)
                .filter(r -> "AWS::SNS::Subscription".equals(r.get("Type")))
                .anyMatch(
                    r ->
                        Map.of("Ref", topic)
                            .equals(Rehearsal.map(r.get("Properties")).get("TopicArn")));
        boolean optedOut = email.equals("none") && readme.contains("AlarmEmail=none");
        assertTrue(
            subscribed || optedOut,
            set + ": " + topic + " has no subscriber (AlarmEmail=" + email + ")");
      }
    }
  }

  @Test
  void noCustomMetricAlarmOfOneStageMatchesTheOtherStagesMetrics() throws Exception {
    Map<String, List<Map<String, String>>> published = new HashMap<>();
    Map<String, List<Map<String, String>>> watched = new HashMap<>();
    for (String set : Rehearsal.sets()) {
      Map<String, Object> stack = Rehearsal.resolved(set);
      published.put(set, publishedDimensions(stack));
      watched.put(set, new ArrayList<>());
      for (String alarm : ofType(stack, "AWS::CloudWatch::Alarm")) {
        Map<String, Object> p = Rehearsal.props(stack, alarm);
        if (!NAMESPACE.equals(p.get("Namespace"))) {
          continue;
        }
        Map<String, String> dims = new TreeMap<>();
        for (Object d : (List<?>) p.get("Dimensions")) {
          dims.put(
              String.valueOf(Rehearsal.map(d).get("Name")),
              String.valueOf(Rehearsal.map(d).get("Value")));
        }
        watched.get(set).add(dims);
      }
      assertFalse(watched.get(set).isEmpty(), set + " has custom-metric alarms");
    }
    for (String alarmSet : Rehearsal.sets()) {
      for (String metricSet : Rehearsal.sets()) {
        for (Map<String, String> alarm : watched.get(alarmSet)) {
          // CloudWatch matches an alarm to the metric with exactly its dimensions.
          boolean matches = published.get(metricSet).stream().anyMatch(alarm::equals);
          assertEquals(
              alarmSet.equals(metricSet),
              matches,
              alarmSet
                  + "'s alarm on "
                  + alarm
                  + " vs "
                  + metricSet
                  + "'s metrics "
                  + published.get(metricSet));
        }
      }
    }
  }

  @Test
  void everyCustomMetricOnTheDashboardIsTheStacksOwn() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String set : Rehearsal.sets()) {
      Map<String, Object> stack = Rehearsal.resolved(set);
      String name = String.valueOf(stack.get("StackName"));
      int seen = 0;
      for (String dashboard : ofType(stack, "AWS::CloudWatch::Dashboard")) {
        Object body = Rehearsal.props(stack, dashboard).get("DashboardBody");
        // Alarm ARNs stay unresolved (Fn::Sub); the metrics' stack name is substituted.
        String text =
            body instanceof String s ? s : String.valueOf(Rehearsal.map(body).get("Fn::Sub"));
        text = text.replaceAll("\\$\\{[A-Za-z0-9.]+}", "x");
        for (JsonNode widget : json.readTree(text).path("widgets")) {
          for (JsonNode metric : widget.path("properties").path("metrics")) {
            if (!NAMESPACE.equals(metric.path(0).asText())) {
              continue;
            }
            seen++;
            Map<String, String> dims = new TreeMap<>();
            for (int i = 2; i + 1 < metric.size() && metric.get(i).isTextual(); i += 2) {
              dims.put(metric.get(i).asText(), metric.get(i + 1).asText());
            }
            assertEquals(name, dims.get(STACK_DIMENSION), set + ": dashboard metric " + metric);
          }
        }
      }
      assertTrue(seen > 0, set + ": the dashboard shows custom metrics");
    }
  }

  /**
   * The dimension sets the stack's functions write (shared-lib's Metrics), for each service name:
   * Service and, when the function's environment names the stack, Stack.
   */
  private static List<Map<String, String>> publishedDimensions(Map<String, Object> stack) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String service : List.of("auth", "location", "profile")) {
      for (String function : ofType(stack, "AWS::Lambda::Function")) {
        Map<String, Object> env =
            Rehearsal.map(
                Rehearsal.map(
                        Rehearsal.props(stack, function).getOrDefault("Environment", Map.of()))
                    .getOrDefault("Variables", Map.of()));
        Map<String, String> dims = new TreeMap<>();
        dims.put(SERVICE_DIMENSION, service);
        Object name = env.get(STACK_VARIABLE);
        if (name != null) {
          dims.put(STACK_DIMENSION, String.valueOf(name));
        }
        out.add(dims);
      }
    }
    return out;
  }

  static List<String> ofType(Map<String, Object> stack, String type) {
    List<String> ids = new ArrayList<>();
    Rehearsal.resources(stack)
        .forEach(
            (id, r) -> {
              if (type.equals(Rehearsal.map(r).get("Type"))) {
                ids.add(id);
              }
            });
    return ids;
  }
}
