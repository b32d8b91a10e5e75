package dev.whereabouts.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code java -jar local-runner.jar fault …}: injects or lifts a fault in a running runner, the
 * command-line twin of the dashboard page's fault controls (both POST to {@code /_local/faults}).
 */
public final class FaultCommand {
  static final String HELP =
      """
      Usage: java -jar local-runner/target/local-runner.jar fault [--url URL] WHAT

      Injects a fault into a running local runner, or lifts it, to watch the alarms fire and
      recover (the dashboard at URL/_local/dashboard has the same controls).

        --function NAME [--failure-rate R] [--latency MS] [--garbage-rate R]
              the function fails a share R (0 to 1) of its invocations as an unhandled error
              would, and/or each invocation takes MS ms longer (past its timeout: a timeout)
        --table NAME [--throttle-rate R] [--error-rate R]
              DynamoDB answers a share of the table's requests with throttling (400
              ProvisionedThroughputExceededException) or internal errors (500)
        --engine stop|start
              stop kills the runner's DynamoDB engine at once, as a crash would (every call to a
              table then fails: clients get 503 with Retry-After); start brings it back on the
              same port with its data. Needs a runner started with --data-dir (in memory, a
              restart would lose every item)
        --clear     lifts every fault (and starts a stopped engine)
        --list      shows the faults set now
        --url URL   the runner (default: http://127.0.0.1:3000)

      Rates of 0 lift a fault. Examples:
        fault --table ProfileTable --throttle-rate 1
        fault --function LocationFunction --failure-rate 0.5 --latency 300
        fault --engine stop
        fault --clear
      """;

  private FaultCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode body = json.createObjectNode();
    String url = "http://127.0.0.1:3000";
    boolean list = false;
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            out.print(HELP);
            return 0;
          }
          case "--url" -> url = OptionValues.value(args, ++i, a);
          case "--function" -> body.put("function", OptionValues.value(args, ++i, a));
          case "--table" -> body.put("table", OptionValues.value(args, ++i, a));
          case "--failure-rate" ->
              body.put("failureRate", rate(OptionValues.value(args, ++i, a), a));
          case "--garbage-rate" ->
              body.put("garbageRate", rate(OptionValues.value(args, ++i, a), a));
          case "--throttle-rate" ->
              body.put("throttleRate", rate(OptionValues.value(args, ++i, a), a));
          case "--error-rate" -> body.put("errorRate", rate(OptionValues.value(args, ++i, a), a));
          case "--latency" -> {
            String v = OptionValues.value(args, ++i, a);
            try {
              body.put("latencyMs", Long.parseLong(v));
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--latency takes milliseconds, not '" + v + "'");
            }
          }
          case "--engine" -> {
            String v = OptionValues.value(args, ++i, a);
            if (!v.equals("stop") && !v.equals("start")) {
              throw new IllegalArgumentException("--engine takes stop or start, not '" + v + "'");
            }
            body.put("engine", v);
          }
          case "--clear" -> body.put("clear", true);
          case "--list" -> list = true;
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
      if (!list && body.isEmpty()) {
        throw new IllegalArgumentException(
            "say what: --function, --table, --engine, --clear or --list");
      }
    } catch (IllegalArgumentException e) {
      err.println("local-runner fault: " + e.getMessage() + " (see fault --help)");
      return 2;
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/_local/faults"))
            .timeout(Duration.ofSeconds(10));
    if (!list) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        err.println(
            "local-runner fault: " + json.readTree(response.body()).path("message").asText());
        return 2;
      }
      out.println(response.body());
      return 0;
    } catch (IOException e) {
      err.println("local-runner fault: no runner answers at " + url + " (" + e.getMessage() + ")");
      return 3;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 3;
    }
  }

  private static double rate(String v, String option) {
    try {
      double r = Double.parseDouble(v);
      if (r < 0 || r > 1) {
        throw new NumberFormatException();
      }
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a rate from 0 to 1, not '" + v + "'");
    }
  }
}
