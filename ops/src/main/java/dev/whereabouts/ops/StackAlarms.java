package dev.whereabouts.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.CompositeAlarm;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * The alarms of one stack: those CloudFormation lists as its resources, and those named with the
 * stack's name as prefix (the template names every alarm {@code <stack>-…}).
 */
final class StackAlarms implements AlarmSource {
  /** One alarm's state; a composite alarm's rule, null for a metric alarm. */
  record Alarm(
      String name, String state, String reason, Instant since, boolean composite, String rule) {
    /** ALARM first, then INSUFFICIENT_DATA, OK last. */
    int severity() {
      return switch (state) {
        case "ALARM" -> 0;
        case "INSUFFICIENT_DATA" -> 1;
        default -> 2;
      };
    }
  }

  private final CloudFormationClient cloudFormation;
  private final CloudWatchClient cloudWatch;

  StackAlarms(CloudFormationClient cloudFormation, CloudWatchClient cloudWatch) {
    this.cloudFormation = cloudFormation;
    this.cloudWatch = cloudWatch;
  }

  /** The stack's resources (the call also proves the stack exists). */
  List<StackResourceSummary> resources(String stack) {
    List<StackResourceSummary> all = new ArrayList<>();
    cloudFormation
        .listStackResourcesPaginator(r -> r.stackName(stack))
        .forEach(page -> all.addAll(page.stackResourceSummaries()));
    return all;
  }

  /**
   * The alarms the release gate watches: the stack's health composite ({@code <stack>-health}) and
   * the alarms its rule names. Signals outsiders can drive (failed logins, locked accounts,
   * degraded profiles) page but stay out of that rule, so they cannot fail a release. A stack
   * without the composite is gated on all its alarms.
   */
  static List<Alarm> gated(String stack, List<Alarm> alarms) {
    Alarm health =
        alarms.stream()
            .filter(a -> a.composite() && a.name().equals(stack + "-health") && a.rule() != null)
            .findFirst()
            .orElse(null);
    if (health == null) {
      return alarms;
    }
    Set<String> named = new LinkedHashSet<>();
    Matcher m = RULE_ALARM.matcher(health.rule());
    while (m.find()) {
      String name = m.group(1);
      named.add(name.substring(name.lastIndexOf(':') + 1));
    }
    return alarms.stream().filter(a -> a == health || named.contains(a.name())).toList();
  }

  /** ALARM("name"), ALARM(name) or ALARM(arn) in a composite alarm's rule. */
  private static final Pattern RULE_ALARM =
      Pattern.compile("ALARM\\(\\s*[\"']?([^\"')]+?)[\"']?\\s*\\)");

  /** Every alarm of the stack, healthiest last. */
  @Override
  public List<Alarm> alarms(String stack) {
    Set<String> names = new LinkedHashSet<>();
    for (StackResourceSummary r : resources(stack)) {
      if (("AWS::CloudWatch::Alarm".equals(r.resourceType())
              || "AWS::CloudWatch::CompositeAlarm".equals(r.resourceType()))
          && r.physicalResourceId() != null) {
        names.add(r.physicalResourceId());
      }
    }
    List<Alarm> alarms = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    collect(DescribeAlarmsRequest.builder().alarmNamePrefix(stack + "-"), alarms, seen);
    List<String> missing = names.stream().filter(n -> !seen.contains(n)).toList();
    for (int i = 0; i < missing.size(); i += 100) {
      collect(
          DescribeAlarmsRequest.builder()
              .alarmNames(missing.subList(i, Math.min(missing.size(), i + 100))),
          alarms,
          seen);
    }
    alarms.sort(Comparator.comparingInt(Alarm::severity).thenComparing(Alarm::name));
    return alarms;
  }

  private void collect(DescribeAlarmsRequest.Builder request, List<Alarm> out, Set<String> seen) {
    request.alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM);
    String token = null;
    do {
      DescribeAlarmsResponse page = cloudWatch.describeAlarms(request.nextToken(token).build());
      for (MetricAlarm a : page.metricAlarms()) {
        if (seen.add(a.alarmName())) {
          out.add(
              new Alarm(
                  a.alarmName(),
                  a.stateValueAsString(),
                  a.stateReason(),
                  a.stateUpdatedTimestamp(),
                  false,
                  null));
        }
      }
      for (CompositeAlarm a : page.compositeAlarms()) {
        if (seen.add(a.alarmName())) {
          out.add(
              new Alarm(
                  a.alarmName(),
                  a.stateValueAsString(),
                  a.stateReason(),
                  a.stateUpdatedTimestamp(),
                  true,
                  a.alarmRule()));
        }
      }
      token = page.nextToken();
    } while (token != null);
  }
}
