package dev.whereabouts.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.lambda.FunctionInitException;
import dev.whereabouts.runner.lambda.Invocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code invoke FUNCTION --event FILE}: starts the suite as the runner does (engine, tables, every
 * function's environment), invokes one function once with the event and prints its result on
 * standard output; the function's log lines and the runner's go to standard error, as {@code sam
 * local invoke} separates them.
 */
public final class InvokeCommand {
  static final String HELP =
      """
      Usage: java -jar local-runner/target/local-runner.jar invoke FUNCTION [--event FILE|-] [options]

      Invokes one function of template.yaml once, with the suite around it (DynamoDB engine and
      tables, the other functions behind the local gateway for its outbound calls), prints the
      function's result on standard output and its log lines on standard error. Exit code 0
      when the function returned, 1 when it failed (its error, as Lambda reports it, is the
      output), 2 on bad usage.

        --event FILE    the event as JSON; '-' reads standard input (default: {})
        Runner options (--template, --data-dir, --parameter-overrides, --region,
        --dynamodb-endpoint …) apply as when running the suite.

      Events for API routes: generate-event METHOD PATH (see generate-event --help).
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  private InvokeCommand() {}

  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    String function = null;
    String eventSource = null;
    List<String> runnerArgs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.print(HELP);
        return 0;
      } else if (a.equals("--event")) {
        if (i + 1 >= args.length) {
          err.println("local-runner invoke: --event needs a file or '-'");
          return 2;
        }
        eventSource = args[++i];
      } else if (!a.startsWith("--") && function == null) {
        function = a;
      } else {
        runnerArgs.add(a);
      }
    }
    if (function == null) {
      err.println("local-runner invoke: which function? (see invoke --help)");
      return 2;
    }
    String event;
    try {
      event =
          eventSource == null
              ? "{}"
              : eventSource.equals("-")
                  ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                  : Files.readString(Path.of(eventSource));
      JSON.readTree(event);
    } catch (IOException e) {
      err.println("local-runner invoke: the event is not readable JSON: " + e.getMessage());
      return 2;
    }
    LocalRunner runner;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      runnerArgs.add("--port");
      runnerArgs.add(Integer.toString(s.getLocalPort()));
    } catch (IOException e) {
      err.println("local-runner invoke: no free port: " + e.getMessage());
      return 2;
    }
    try {
      runner = LocalRunner.createQuiet(RunnerOptions.parse(runnerArgs.toArray(String[]::new)), err);
    } catch (RunnerOptions.UsageException e) {
      err.println("local-runner invoke: " + e.getMessage());
      return 2;
    }
    PrintStream systemOut = System.out;
    PrintStream systemErr = System.err;
    try {
      runner.start();
      if (!runner.functions().contains(function)) {
        err.println(
            "local-runner invoke: the template has no function '"
                + function
                + "' (functions: "
                + String.join(", ", runner.functions())
                + ")");
        return 2;
      }
      Invocation result = runner.invoke(function, event);
      err.printf(
          "REPORT %s Duration: %.2f ms%s%n",
          function,
          result.durationMs(),
          result.coldStart() ? String.format(" Init Duration: %.2f ms", result.initMs()) : "");
      if (result instanceof Invocation.Returned returned) {
        JsonNode payload = JSON.readTree(returned.payload());
        out.println(payload.toPrettyString());
        return 0;
      }
      ObjectNode error = JSON.createObjectNode();
      if (result instanceof Invocation.Failed failed) {
        error.put("errorType", failed.errorType());
        error.put("errorMessage", failed.errorMessage());
      } else if (result instanceof Invocation.TimedOut timedOut) {
        error.put("errorType", timedOut.errorType());
        error.put("errorMessage", timedOut.errorMessage());
      }
      out.println(error.toPrettyString());
      return 1;
    } catch (LocalRunner.StartupException e) {
      err.println("local-runner invoke: " + e.getMessage());
      return 2;
    } catch (FunctionInitException e) {
      ObjectNode error = JSON.createObjectNode();
      error.put("errorType", "Runtime.InitError");
      error.put("errorMessage", e.getMessage());
      out.println(error.toPrettyString());
      return 1;
    } catch (IOException e) {
      err.println("local-runner invoke: the function's result is not JSON: " + e.getMessage());
      return 1;
    } finally {
      runner.close();
      System.setOut(systemOut);
      System.setErr(systemErr);
    }
  }
}
