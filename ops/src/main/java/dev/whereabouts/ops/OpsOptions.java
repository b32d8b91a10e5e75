package dev.whereabouts.ops;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line of the operator CLI. */
record OpsOptions(
    String command,
    String stack,
    Optional<String> region,
    Optional<URI> endpoint,
    Optional<URI> local,
    Duration since,
    Duration watchFor,
    Duration interval,
    boolean help) {

  static final String HELP =
      """
      Usage: java -jar ops/target/whereabouts-ops.jar COMMAND --stack NAME [options]

      Watches a deployed Whereabouts stack through CloudWatch and CloudFormation.

      Commands:
        status   every alarm of the stack with its state, reason and since when, healthiest
                 last; exit 0 only when all are OK
        metrics  the key numbers: requests, 4XX/5XX, p99 latency, errors and throttles per
                 function and table, the business metrics
        gate     watch the alarms for --wait and fail as soon as one is in ALARM (the release
                 gate of the pipeline)

      Options:
        --stack NAME           the CloudFormation stack (required)
        --since DURATION       metrics: how far back (default 1h; e.g. 30m, 6h, 2d)
        --wait DURATION        gate: how long to watch (default 5m)
        --interval DURATION    gate: how often to look (default 15s)
        --region REGION        the AWS region (default: AWS_REGION or your profile's)
        --endpoint-url URL     talk to this endpoint instead of AWS (e.g. moto_server)
        --local [URL]          status and gate against a local runner, which evaluates the
                               template's alarms (default http://127.0.0.1:3000; --stack
                               defaults to local, the runner's stack name)
        --help                 this text

      Exit codes: 0 healthy, 1 an alarm is not OK or the gate failed, 2 bad usage or no such
      stack, 3 no credentials, no permission or no connection.
      """;

  /** A command line that cannot be run. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");

  static OpsOptions parse(String[] args) throws UsageException {
    String command = null;
    String stack = null;
    Optional<String> region = Optional.empty();
    Optional<URI> endpoint = Optional.empty();
    Optional<URI> local = Optional.empty();
    Duration since = Duration.ofHours(1);
    Duration wait = Duration.ofMinutes(5);
    Duration interval = Duration.ofSeconds(15);
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--stack" -> stack = value(args, ++i, a);
        case "--region" -> region = Optional.of(value(args, ++i, a));
        case "--endpoint-url" -> {
          String v = value(args, ++i, a);
          URI uri = URI.create(v);
          if (uri.getScheme() == null || uri.getHost() == null) {
            throw new UsageException(
                "--endpoint-url must be a URL like http://127.0.0.1:5000, not '" + v + "'");
          }
          endpoint = Optional.of(uri);
        }
        case "--local" -> {
          String v =
              i + 1 < args.length && args[i + 1].contains("://")
                  ? args[++i]
                  : "http://127.0.0.1:3000";
          URI uri = URI.create(v);
          if (uri.getScheme() == null || uri.getHost() == null) {
            throw new UsageException(
                "--local takes the runner's URL like http://127.0.0.1:3000, not '" + v + "'");
          }
          local = Optional.of(uri);
        }
        case "--since" -> since = duration(value(args, ++i, a), a);
        case "--wait" -> wait = duration(value(args, ++i, a), a);
        case "--interval" -> interval = duration(value(args, ++i, a), a);
        default -> {
          if (a.startsWith("-")) {
            throw new UsageException("unknown option '" + a + "'");
          }
          if (command != null) {
            throw new UsageException("one command at a time ('" + command + "' and '" + a + "')");
          }
          if (!a.equals("status") && !a.equals("metrics") && !a.equals("gate")) {
            throw new UsageException("unknown command '" + a + "' (status, metrics or gate)");
          }
          command = a;
        }
      }
    }
    if (!help) {
      if (command == null) {
        throw new UsageException("a command is required: status, metrics or gate");
      }
      if (stack == null && local.isPresent()) {
        stack = "local";
      }
      if (stack == null) {
        throw new UsageException(command + " needs --stack NAME");
      }
    }
    return new OpsOptions(command, stack, region, endpoint, local, since, wait, interval, help);
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  static Duration duration(String text, String option) throws UsageException {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new UsageException(
          option + " takes a duration like 90s, 5m, 1h or 2d, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
