package dev.whereabouts.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/** The operator CLI against moto_server (which stores alarms but never evaluates them). */
class OpsTest {
  private static MotoServer moto;
  private static CloudWatchClient cloudWatch;
  private static CloudFormationClient cloudFormation;

  @BeforeAll
  static void start() throws Exception {
    // Credentials for the CLI's default chain; no probe of instance metadata from a test.
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    System.setProperty("aws.disableEc2Metadata", "true");
    moto = MotoServer.start();
    var credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    cloudWatch =
        CloudWatchClient.builder()
            .endpointOverride(URI.create(moto.endpoint()))
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    cloudFormation =
        CloudFormationClient.builder()
            .endpointOverride(URI.create(moto.endpoint()))
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.close();
    }
  }

  private record Result(int exit, String out, String err) {}

  private static Result ops(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--endpoint-url";
    all[args.length + 1] = moto.endpoint();
    all[args.length + 2] = "--region";
    all[args.length + 3] = "eu-central-1";
    int exit =
        new Ops(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(all);
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String stackWithAlarms(String... names) {
    String stack = "wa" + UUID.randomUUID().toString().substring(0, 8);
    cloudFormation.createStack(
        c ->
            c.stackName(stack)
                .templateBody("{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}}"));
    for (String n : names) {
      cloudWatch.putMetricAlarm(
          a ->
              a.alarmName(stack + "-" + n)
                  .namespace("AWS/Lambda")
                  .metricName("Errors")
                  .statistic(Statistic.SUM)
                  .period(60)
                  .evaluationPeriods(1)
                  .threshold(1.0)
                  .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
      state(
          stack + "-" + n,
          StateValue.OK,
          "Threshold Crossed: no datapoints were above the threshold");
    }
    return stack;
  }

  private static void state(String alarm, StateValue value, String reason) {
    cloudWatch.setAlarmState(s -> s.alarmName(alarm).stateValue(value).stateReason(reason));
  }

  @Test
  void statusIsZeroOnlyWhenEveryAlarmIsOk() {
    String stack = stackWithAlarms("auth-errors", "api-5xx");
    Result healthy = ops("status", "--stack", stack);
    assertEquals(0, healthy.exit(), healthy.err());
    assertTrue(healthy.out().contains(stack + "-auth-errors"));
    assertTrue(healthy.out().contains("2 alarms, 0 not OK"));

    state(stack + "-api-5xx", StateValue.ALARM, "Threshold Crossed: 3 datapoints were above 1.0");
    Result sick = ops("status", "--stack", stack);
    assertEquals(1, sick.exit());
    List<String> lines = sick.out().lines().toList();
    assertTrue(lines.get(1).startsWith("ALARM"), "the worst comes first: " + sick.out());
    assertTrue(lines.get(1).contains("3 datapoints were above 1.0"));
    assertTrue(lines.get(2).startsWith("OK"), "healthiest last: " + sick.out());
  }

  @Test
  void aMissingStackIsAOneLineError() {
    Result r = ops("status", "--stack", "no-such-stack");
    assertEquals(2, r.exit());
    assertEquals(
        "whereabouts-ops: stack 'no-such-stack' does not exist in eu-central-1", r.err().strip());
  }

  @Test
  void theGatePassesWhenNothingFires() {
    String stack = stackWithAlarms("errors");
    Result r = ops("gate", "--stack", stack, "--wait", "1s", "--interval", "200ms");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("passed"));
  }

  @Test
  void theGateFailsAsSoonAsAnAlarmFires() throws Exception {
    String stack = stackWithAlarms("errors", "latency");
    long start = System.nanoTime();
    CompletableFuture<Result> gate =
        CompletableFuture.supplyAsync(
            () -> ops("gate", "--stack", stack, "--wait", "60s", "--interval", "200ms"));
    Thread.sleep(600);
    state(stack + "-latency", StateValue.ALARM, "Threshold Crossed: p99 above 5000 ms");
    Result r = gate.get(30, TimeUnit.SECONDS);
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains(stack + "-latency is in ALARM"));
    assertTrue((System.nanoTime() - start) / 1e9 < 30, "it did not wait out the full minute");
  }

  @Test
  void aGateWithNoAlarmsToWatchRefusesToPass() {
    String stack = stackWithAlarms();
    Result r = ops("gate", "--stack", stack, "--wait", "1s");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no alarms"));
  }

  @Test
  void metricsShowTheBusinessNumbers() {
    String stack = stackWithAlarms("errors");
    cloudWatch.putMetricData(
        p ->
            p.namespace("Whereabouts")
                .metricData(
                    d ->
                        d.metricName("LoginFailed")
                            .unit(StandardUnit.COUNT)
                            .value(3.0)
                            .dimensions(
                                x -> x.name("Service").value("auth"),
                                x -> x.name("Stack").value(stack))));
    Result r = ops("metrics", "--stack", stack, "--since", "1h");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("LoginFailed 3"), r.out());
    assertTrue(r.out().contains("BUSINESS"));
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(
        2,
        new Ops(System.out, new PrintStream(new ByteArrayOutputStream()))
            .run(new String[] {"launch"}));
    assertEquals(
        2,
        new Ops(System.out, new PrintStream(new ByteArrayOutputStream()))
            .run(new String[] {"status"}));
    assertEquals(
        2,
        new Ops(System.out, new PrintStream(new ByteArrayOutputStream()))
            .run(new String[] {"gate", "--stack", "s", "--wait", "soon"}));
  }
}
