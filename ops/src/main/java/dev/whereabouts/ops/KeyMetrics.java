package dev.whereabouts.ops;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/** The key numbers of a stack over a window, from one GetMetricData round trip per 500 queries. */
final class KeyMetrics {
  /** The suite's custom metrics, by service (namespace Whereabouts, dimensions Service, Stack). */
  static final Map<String, List<String>> BUSINESS =
      Map.of(
          "auth",
              List.of(
                  "UsersRegistered",
                  "LoginSucceeded",
                  "LoginFailed",
                  "AccountLocked",
                  "TokenRevoked"),
          "location", List.of("LocationUpdated"),
          "profile",
              List.of("ProfileUpdated", "LocationLookupUnavailable", "LocationLookupLatency"));

  private record Query(String section, String row, String column, MetricDataQuery query) {}

  private final CloudWatchClient cloudWatch;

  KeyMetrics(CloudWatchClient cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  void print(String stack, List<StackResourceSummary> resources, Duration since, PrintStream out) {
    // Whole minutes, ending at the next minute boundary: the newest datapoints are included
    // and CloudWatch answers aligned windows from its aggregates.
    Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
    Instant start = end.minus(since);
    int period = (int) Math.max(60, (since.toSeconds() + 59) / 60 * 60);
    List<Query> queries = new ArrayList<>();
    add(
        queries,
        "API",
        stack,
        "requests",
        "AWS/ApiGateway",
        "Count",
        "Sum",
        period,
        Map.of("ApiName", stack));
    add(
        queries,
        "API",
        stack,
        "4XX",
        "AWS/ApiGateway",
        "4XXError",
        "Sum",
        period,
        Map.of("ApiName", stack));
    add(
        queries,
        "API",
        stack,
        "5XX",
        "AWS/ApiGateway",
        "5XXError",
        "Sum",
        period,
        Map.of("ApiName", stack));
    add(
        queries,
        "API",
        stack,
        "p99 ms",
        "AWS/ApiGateway",
        "Latency",
        "p99",
        period,
        Map.of("ApiName", stack));
    for (StackResourceSummary r : resources) {
      String id = r.physicalResourceId();
      if (id == null) {
        continue;
      }
      if ("AWS::Lambda::Function".equals(r.resourceType())) {
        Map<String, String> dims = Map.of("FunctionName", id);
        add(
            queries,
            "FUNCTION",
            id,
            "invocations",
            "AWS/Lambda",
            "Invocations",
            "Sum",
            period,
            dims);
        add(queries, "FUNCTION", id, "errors", "AWS/Lambda", "Errors", "Sum", period, dims);
        add(queries, "FUNCTION", id, "throttles", "AWS/Lambda", "Throttles", "Sum", period, dims);
        add(queries, "FUNCTION", id, "p99 ms", "AWS/Lambda", "Duration", "p99", period, dims);
      } else if ("AWS::DynamoDB::Table".equals(r.resourceType())) {
        Map<String, String> dims = Map.of("TableName", id);
        add(
            queries,
            "TABLE",
            id,
            "read throttles",
            "AWS/DynamoDB",
            "ReadThrottleEvents",
            "Sum",
            period,
            dims);
        add(
            queries,
            "TABLE",
            id,
            "write throttles",
            "AWS/DynamoDB",
            "WriteThrottleEvents",
            "Sum",
            period,
            dims);
      }
    }
    BUSINESS.forEach(
        (service, names) -> {
          for (String name : names) {
            boolean latency = name.endsWith("Latency");
            add(
                queries,
                "BUSINESS",
                service,
                latency ? name + " p99 ms" : name,
                "Whereabouts",
                name,
                latency ? "p99" : "Sum",
                period,
                Map.of("Service", service, "Stack", stack));
          }
        });

    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < queries.size(); i += 500) {
      List<MetricDataQuery> batch =
          queries.subList(i, Math.min(queries.size(), i + 500)).stream().map(Query::query).toList();
      String token = null;
      do {
        var response =
            cloudWatch.getMetricData(
                GetMetricDataRequest.builder()
                    .startTime(start)
                    .endTime(end)
                    .metricDataQueries(batch)
                    .nextToken(token)
                    .build());
        for (MetricDataResult result : response.metricDataResults()) {
          if (!result.values().isEmpty()) {
            values.merge(result.id(), result.values().get(0), Double::sum);
          }
        }
        token = response.nextToken();
      } while (token != null);
    }

    out.printf("%s, last %s%n", stack, human(since));
    String section = null;
    String row = null;
    StringBuilder line = null;
    for (Query q : queries) {
      if (!q.section().equals(section)) {
        if (line != null) {
          out.println(line);
          line = null;
        }
        section = q.section();
        row = null;
        out.println();
        out.println(section);
      }
      if (!q.row().equals(row)) {
        if (line != null) {
          out.println(line);
        }
        row = q.row();
        line =
            new StringBuilder(
                String.format("  %-44s", row.length() > 44 ? row.substring(0, 41) + "..." : row));
      }
      Double v = values.get(q.query().id());
      line.append(String.format("  %s %s", q.column(), v == null ? "-" : format(v)));
    }
    if (line != null) {
      out.println(line);
    }
  }

  private static void add(
      List<Query> queries,
      String section,
      String row,
      String column,
      String namespace,
      String metric,
      String stat,
      int period,
      Map<String, String> dimensions) {
    String id = "m" + queries.size();
    queries.add(
        new Query(
            section,
            row,
            column,
            MetricDataQuery.builder()
                .id(id)
                .returnData(true)
                .metricStat(
                    s ->
                        s.stat(stat)
                            .period(period)
                            .metric(
                                m ->
                                    m.namespace(namespace)
                                        .metricName(metric)
                                        .dimensions(
                                            // By name: CloudWatch matches dimensions as a
                                            // set, moto (the tests' endpoint) in order.
                                            dimensions.entrySet().stream()
                                                .sorted(Map.Entry.comparingByKey())
                                                .map(
                                                    e ->
                                                        Dimension.builder()
                                                            .name(e.getKey())
                                                            .value(e.getValue())
                                                            .build())
                                                .toList())))
                .build()));
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v);
  }

  private static String human(Duration d) {
    if (d.toDays() > 0 && d.toHours() % 24 == 0) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
      return d.toHours() + "h";
    }
    return d.toMinutes() > 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }
}
