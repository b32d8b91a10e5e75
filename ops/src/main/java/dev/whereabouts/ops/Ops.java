package dev.whereabouts.ops;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * The operator CLI: {@code status}, {@code metrics} and {@code gate} for one stack. Every failure
 * is one line on standard error and an exit code (see {@link OpsOptions#HELP}).
 */
public final class Ops {
  static final int OK = 0;
  static final int UNHEALTHY = 1;
  static final int USAGE = 2;
  static final int ACCESS = 3;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final PrintStream err;

  /** An operator CLI printing to these streams (the runner's secrets suite captures them). */
  public Ops(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new Ops(System.out, System.err).run(args));
  }

  /** Runs one command line and answers its exit code. */
  public int run(String[] args) {
    OpsOptions options;
    try {
      options = OpsOptions.parse(args);
    } catch (OpsOptions.UsageException e) {
      err.println("whereabouts-ops: " + e.getMessage() + " (see --help)");
      return USAGE;
    }
    if (options.help()) {
      out.print(OpsOptions.HELP);
      return OK;
    }
    if (options.local().isPresent()) {
      return local(options);
    }
    Region region;
    try {
      region =
          options
              .region()
              .map(Region::of)
              .orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion());
    } catch (SdkClientException e) {
      err.println("whereabouts-ops: no region: pass --region or set AWS_REGION");
      return USAGE;
    }
    SdkHttpClient http = UrlConnectionHttpClient.create();
    var cfBuilder =
        CloudFormationClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(DefaultCredentialsProvider.builder().build());
    var cwBuilder =
        CloudWatchClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(DefaultCredentialsProvider.builder().build());
    options.endpoint().ifPresent(cfBuilder::endpointOverride);
    options.endpoint().ifPresent(cwBuilder::endpointOverride);
    try (CloudFormationClient cloudFormation = cfBuilder.build();
        CloudWatchClient cloudWatch = cwBuilder.build()) {
      StackAlarms alarms = new StackAlarms(cloudFormation, cloudWatch);
      return switch (options.command()) {
        case "status" -> status(alarms, options.stack());
        case "metrics" ->
            metrics(alarms, new KeyMetrics(cloudWatch), options.stack(), options.since());
        default -> gate(alarms, options);
      };
    } catch (AwsServiceException e) {
      return serviceFailure(e, options, region);
    } catch (SdkClientException e) {
      return clientFailure(e, options);
    } finally {
      http.close();
    }
  }

  /** status and gate against a local runner, which evaluates the template's alarms itself. */
  private int local(OpsOptions options) {
    URI runner = options.local().get();
    AlarmSource alarms = new LocalAlarms(runner);
    try {
      return switch (options.command()) {
        case "status" -> status(alarms, options.stack());
        case "gate" -> gate(alarms, options);
        default -> {
          err.println(
              "whereabouts-ops: metrics reads CloudWatch; the local runner draws them at "
                  + runner.resolve("/_local/dashboard"));
          yield USAGE;
        }
      };
    } catch (UncheckedIOException e) {
      err.println(
          "whereabouts-ops: cannot reach the local runner at "
              + runner
              + ": "
              + e.getCause().getMessage());
      return ACCESS;
    }
  }

  private int status(AlarmSource stackAlarms, String stack) {
    List<StackAlarms.Alarm> alarms = stackAlarms.alarms(stack);
    if (alarms.isEmpty()) {
      out.println(stack + ": no alarms found");
      return OK;
    }
    out.printf("%-18s %-21s %-52s %s%n", "STATE", "SINCE", "ALARM", "REASON");
    for (StackAlarms.Alarm a : alarms) {
      out.printf(
          "%-18s %-21s %-52s %s%n",
          a.state(),
          a.since() == null ? "-" : TIME.format(a.since()),
          a.name(),
          a.reason() == null ? "" : a.reason());
    }
    long notOk = alarms.stream().filter(a -> !"OK".equals(a.state())).count();
    out.printf("%d alarms, %d not OK%n", alarms.size(), notOk);
    return notOk == 0 ? OK : UNHEALTHY;
  }

  private int metrics(StackAlarms stackAlarms, KeyMetrics metrics, String stack, Duration since) {
    metrics.print(stack, stackAlarms.resources(stack), since, out);
    return OK;
  }

  private int gate(AlarmSource stackAlarms, OpsOptions options) {
    String stack = options.stack();
    Instant deadline = Instant.now().plus(options.watchFor());
    List<StackAlarms.Alarm> alarms = StackAlarms.gated(stack, stackAlarms.alarms(stack));
    if (alarms.isEmpty()) {
      err.println(
          "whereabouts-ops: "
              + stack
              + " has no alarms; a gate watching nothing would always pass");
      return USAGE;
    }
    out.printf("gate: watching %d alarms of %s for %s%n", alarms.size(), stack, options.watchFor());
    while (true) {
      for (StackAlarms.Alarm a : alarms) {
        if ("ALARM".equals(a.state())) {
          out.printf(
              "gate: FAILED, %s is in ALARM since %s: %s%n",
              a.name(), a.since() == null ? "?" : TIME.format(a.since()), a.reason());
          return UNHEALTHY;
        }
      }
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        out.printf("gate: passed, no alarm fired in %s%n", options.watchFor());
        return OK;
      }
      out.printf("gate: all quiet, %ds left%n", left.toSeconds());
      try {
        Thread.sleep(Math.min(left.toMillis(), options.interval().toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("whereabouts-ops: gate interrupted");
        return UNHEALTHY;
      }
      alarms = StackAlarms.gated(stack, stackAlarms.alarms(stack));
    }
  }

  private int serviceFailure(AwsServiceException e, OpsOptions options, Region region) {
    String code =
        e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    String message =
        e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    if (message != null && message.contains("does not exist")) {
      err.println(
          "whereabouts-ops: stack '" + options.stack() + "' does not exist in " + region.id());
      return USAGE;
    }
    if (e.statusCode() == 403
        || code.contains("AccessDenied")
        || code.contains("UnauthorizedOperation")) {
      err.println("whereabouts-ops: permission denied: " + message);
      return ACCESS;
    }
    if (code.contains("InvalidClientTokenId")
        || code.contains("SignatureDoesNotMatch")
        || code.contains("ExpiredToken")) {
      err.println("whereabouts-ops: the AWS credentials were refused (" + code + "): " + message);
      return ACCESS;
    }
    err.println("whereabouts-ops: " + code + ": " + message);
    return ACCESS;
  }

  private int clientFailure(SdkClientException e, OpsOptions options) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("credentials")) {
      err.println(
          "whereabouts-ops: no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, or run where an instance or container role applies");
    } else {
      err.println(
          "whereabouts-ops: cannot reach "
              + options.endpoint().map(Object::toString).orElse("AWS")
              + ": "
              + message.lines().findFirst().orElse(message));
    }
    return ACCESS;
  }
}
