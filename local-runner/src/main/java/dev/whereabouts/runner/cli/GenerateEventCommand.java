package dev.whereabouts.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.gateway.RouteTable;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code generate-event METHOD PATH}: the API Gateway proxy event the runner's gateway would send
 * for a request to one of the template's routes, to save, edit and pass to {@code invoke}, as
 * {@code sam local generate-event apigateway aws-proxy} does (but for our routes).
 */
public final class GenerateEventCommand {
  static final String HELP =
      """
      Usage: java -jar local-runner/target/local-runner.jar generate-event METHOD PATH [options]
             java -jar local-runner/target/local-runner.jar generate-event --list

      Prints the API Gateway (REST, proxy) event the local gateway would send to the function
      behind one route of template.yaml, e.g.
        generate-event GET /profiles/michael > event.json
        invoke ProfileFunction --event event.json

      Options:
        --body JSON | --body @FILE   the request body
        --header 'Name: value'       a request header (repeatable)
        --query 'a=1&b=2'            the query string
        --user ID                    for Bearer routes: the user the authorizer vouched for
                                     (default: the path's {userId}, else "user")
        --template FILE              the SAM template (default: template.yaml here or above)
        --list                       the routes and their functions
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private GenerateEventCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> positional = new ArrayList<>();
    String body = null;
    String query = null;
    String user = null;
    List<String> headers = new ArrayList<>();
    List<String> runnerArgs = new ArrayList<>();
    boolean list = false;
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            out.print(HELP);
            return 0;
          }
          case "--list" -> list = true;
          case "--body" -> {
            String v = OptionValues.value(args, ++i, a);
            body = v.startsWith("@") ? Files.readString(Path.of(v.substring(1))) : v;
          }
          case "--header" -> headers.add(OptionValues.value(args, ++i, a));
          case "--query" -> query = OptionValues.value(args, ++i, a);
          case "--user" -> user = OptionValues.value(args, ++i, a);
          case "--template", "--region" -> {
            runnerArgs.add(a);
            runnerArgs.add(OptionValues.value(args, ++i, a));
          }
          default -> {
            if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            positional.add(a);
          }
        }
      }
      if (!list && positional.size() != 2) {
        throw new IllegalArgumentException("give METHOD and PATH, e.g. GET /profiles/michael");
      }
    } catch (IllegalArgumentException | java.io.IOException e) {
      err.println(
          "local-runner generate-event: " + e.getMessage() + " (see generate-event --help)");
      return 2;
    }
    Suite suite;
    try {
      RunnerOptions options = RunnerOptions.parse(runnerArgs.toArray(String[]::new));
      suite = SuiteReader.read(options.template(), Map.of(), options.region());
    } catch (RunnerOptions.UsageException | LocalRunner.StartupException e) {
      err.println("local-runner generate-event: " + e.getMessage());
      return 2;
    }
    RouteTable routes = new RouteTable(suite.routes());
    if (list) {
      for (ApiRoute r : routes.routes()) {
        out.printf("%-7s %-28s -> %s%n", r.method(), r.resource(), r.function());
      }
      return 0;
    }
    String method = positional.get(0).toUpperCase(Locale.ROOT);
    String path = positional.get(1);
    var match = routes.find(method, path);
    if (match.isEmpty()) {
      err.println(
          "local-runner generate-event: no route of the template matches "
              + method
              + " "
              + path
              + " (generate-event --list shows them)");
      return 2;
    }
    out.println(
        JSON.valueToTree(event(suite, match.get(), method, path, query, headers, body, user))
            .toPrettyString());
    return 0;
  }

  /** The event, in the shape {@code LocalGateway} sends (REST API, proxy integration). */
  static ObjectNode event(
      Suite suite,
      RouteTable.Match match,
      String method,
      String path,
      String query,
      List<String> headers,
      String body,
      String user) {
    ApiRoute route = match.route();
    ObjectNode event = JSON.createObjectNode();
    event.put("resource", route.resource());
    event.put("path", path);
    event.put("httpMethod", method);
    ObjectNode single = event.putObject("headers");
    ObjectNode multi = event.putObject("multiValueHeaders");
    List<String> all = new ArrayList<>(headers);
    all.add("Host: 127.0.0.1:3000");
    all.add("X-Forwarded-Proto: http");
    all.add("X-Forwarded-For: 127.0.0.1");
    if (body != null
        && headers.stream()
            .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("content-type:"))) {
      all.add("Content-Type: application/json");
    }
    if (route.auth() instanceof ApiRoute.AuthorizerAuth
        && headers.stream()
            .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("authorization:"))) {
      all.add("Authorization: Bearer <token>");
    }
    for (String h : all) {
      int colon = h.indexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("a header is 'Name: value', not '" + h + "'");
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      single.put(name, value);
      (multi.has(name)
              ? (com.fasterxml.jackson.databind.node.ArrayNode) multi.get(name)
              : multi.putArray(name))
          .add(value);
    }
    if (query == null || query.isEmpty()) {
      event.putNull("queryStringParameters");
      event.putNull("multiValueQueryStringParameters");
    } else {
      ObjectNode q = event.putObject("queryStringParameters");
      ObjectNode mq = event.putObject("multiValueQueryStringParameters");
      for (String part : query.split("&")) {
        int eq = part.indexOf('=');
        String n = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        q.put(n, v);
        (mq.has(n) ? (com.fasterxml.jackson.databind.node.ArrayNode) mq.get(n) : mq.putArray(n))
            .add(v);
      }
    }
    event.set(
        "pathParameters",
        match.pathParameters().isEmpty() ? null : JSON.valueToTree(match.pathParameters()));
    event.putNull("stageVariables");
    long now = System.currentTimeMillis();
    String requestId = UUID.randomUUID().toString();
    ObjectNode rc = event.putObject("requestContext");
    rc.put("resourceId", Integer.toHexString(route.resource().hashCode()));
    rc.put("resourcePath", route.resource());
    rc.put("httpMethod", method);
    rc.put("extendedRequestId", requestId);
    rc.put("requestTime", REQUEST_TIME.format(Instant.ofEpochMilli(now)));
    rc.put("path", "/" + suite.stage() + path);
    rc.put("accountId", Suite.ACCOUNT_ID);
    rc.put("protocol", "HTTP/1.1");
    rc.put("stage", suite.stage());
    rc.put("domainPrefix", Suite.API_ID);
    rc.put("requestTimeEpoch", now);
    rc.put("requestId", requestId);
    ObjectNode identity = rc.putObject("identity");
    identity.put("sourceIp", "127.0.0.1");
    identity.put("userAgent", "generate-event");
    identity.putNull("accessKey");
    identity.putNull("caller");
    identity.putNull("user");
    rc.put("domainName", "127.0.0.1:3000");
    rc.put("apiId", Suite.API_ID);
    if (route.auth() instanceof ApiRoute.AuthorizerAuth) {
      String principal =
          user != null ? user : match.pathParameters().getOrDefault("userId", "user");
      ObjectNode authorizer = rc.putObject("authorizer");
      authorizer.put("principalId", principal);
      authorizer.put("userId", principal);
      authorizer.put("integrationLatency", 0);
    }
    if (body == null) {
      event.putNull("body");
    } else {
      event.put("body", body);
    }
    event.put("isBase64Encoded", false);
    return event;
  }
}
