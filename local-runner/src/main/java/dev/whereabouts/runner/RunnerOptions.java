package dev.whereabouts.runner;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The runner's command line. */
public record RunnerOptions(
    Path template,
    int port,
    Map<String, String> parameterOverrides,
    Optional<Path> dataDir,
    boolean watch,
    String region,
    boolean colour,
    boolean showMetricLines,
    boolean help,
    Optional<URI> dynamoDbEndpoint,
    Duration ttlInterval) {

  static final String HELP =
      """
      Usage: java -jar local-runner/target/local-runner.jar [options]

      Runs the whole Whereabouts suite on this machine from template.yaml: a local DynamoDB
      engine (dynalite, run by Node.js 20+, installed on first start), every function in its
      own class loader, behind a local API Gateway on http://127.0.0.1:PORT.
      No AWS account, no Docker.

      Options:
        --template FILE              the SAM template (default: template.yaml here or in a parent folder)
        --port N                     the port to listen on, loopback only (default: 3000; 0: a
                                     free one, printed when ready)
        --parameter-overrides K=V…   template parameter values, as with sam deploy
        --data-dir DIR               keep DynamoDB data in DIR across restarts (default: in memory)
        --dynamodb-endpoint URL      use a DynamoDB engine you run instead of starting one: another
                                     emulator, or real tables (https://dynamodb.REGION.amazonaws.com,
                                     with your AWS credentials); missing tables are created there
        --ttl-interval SECONDS       how often expired items (the template's TTL attributes) are
                                     deleted, as DynamoDB's TTL does (default: 30)
        --watch                      hot reload: a saved .java file of a function's module or of
                                     shared-lib is compiled in-process and runs on the next
                                     request; a saved template.yaml is re-read; a jar without
                                     sources beside it reloads when rebuilt
                                     (mvn -B -q -pl <module> -am package -DskipTests)
        --region REGION              the region functions are told they run in (default: eu-central-1)
        --no-color                   no colours in the console
        --show-metric-lines          also print the functions' EMF metric lines
        --help                       this text

      While it runs: GET /_local/metrics shows invocations, errors, cold starts, duration
      percentiles, the custom metrics and the gateway's own time per request;
      /_local/dashboard draws the template's dashboard and alarms. Ctrl-C stops it.

      Other commands (each with --help):
        invoke FUNCTION --event FILE|-   invoke one function once and print its result
        generate-event METHOD PATH       the gateway's event for a route, for invoke
        fault ...                        inject or lift a fault in a running runner
        logs [--function F] [--request-id R] [--since 10m] [--follow] ...
                                         search the functions' and the runner's log lines
      """;

  /** A command line that cannot be run. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Parses the command line. */
  public static RunnerOptions parse(String[] args) throws UsageException {
    Path template = null;
    int port = 3000;
    Map<String, String> overrides = new LinkedHashMap<>();
    Optional<Path> dataDir = Optional.empty();
    boolean watch = false;
    String region = "eu-central-1";
    boolean colour = System.console() != null && System.getenv("NO_COLOR") == null;
    boolean showMetricLines = false;
    boolean help = false;
    Optional<URI> dynamoDbEndpoint = Optional.empty();
    Duration ttlInterval = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--template" -> template = Path.of(value(args, ++i, a));
        case "--port" -> {
          String v = value(args, ++i, a);
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new UsageException("--port takes a number, not '" + v + "'");
          }
          if (port < 0 || port > 65535) {
            throw new UsageException("--port must be between 0 (a free port) and 65535");
          }
        }
        case "--parameter-overrides" -> {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException("--parameter-overrides needs at least one Name=Value");
          }
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            String pair = args[++i];
            int eq = pair.indexOf('=');
            if (eq < 1) {
              throw new UsageException("parameter override '" + pair + "' is not Name=Value");
            }
            overrides.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
        case "--data-dir" -> dataDir = Optional.of(Path.of(value(args, ++i, a)));
        case "--watch" -> watch = true;
        case "--region" -> region = value(args, ++i, a);
        case "--no-color", "--no-colour" -> colour = false;
        case "--show-metric-lines" -> showMetricLines = true;
        case "--dynamodb-endpoint" -> dynamoDbEndpoint = Optional.of(endpoint(value(args, ++i, a)));
        case "--ttl-interval" -> {
          String v = value(args, ++i, a);
          try {
            ttlInterval = Duration.ofSeconds(Long.parseLong(v));
          } catch (NumberFormatException e) {
            throw new UsageException("--ttl-interval takes whole seconds, not '" + v + "'");
          }
          if (ttlInterval.isNegative() || ttlInterval.isZero()) {
            throw new UsageException("--ttl-interval must be at least 1 second");
          }
        }
        default -> throw new UsageException("unknown option '" + a + "'");
      }
    }
    if (template == null) {
      template = findTemplate();
    }
    if (dynamoDbEndpoint.isPresent() && dataDir.isPresent()) {
      throw new UsageException(
          "--data-dir keeps the data of the engine the runner starts; with --dynamodb-endpoint"
              + " your engine keeps its own");
    }
    return new RunnerOptions(
        template,
        port,
        overrides,
        dataDir,
        watch,
        region,
        colour,
        showMetricLines,
        help,
        dynamoDbEndpoint,
        ttlInterval);
  }

  private static URI endpoint(String value) throws UsageException {
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new UsageException(
        "--dynamodb-endpoint takes an http(s) URL such as http://127.0.0.1:8000, not '"
            + value
            + "'");
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static Path findTemplate() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("template.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    return Path.of("template.yaml");
  }
}
