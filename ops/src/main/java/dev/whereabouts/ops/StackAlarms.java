package dev.whereabouts.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
  /** One alarm's state. */
  record Alarm(String name, String state, String reason, Instant since, boolean composite) {
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
                  false));
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
                  true));
        }
      }
      token = page.nextToken();
    } while (token != null);
  }
}
