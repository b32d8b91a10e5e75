package dev.whereabouts.runner;

import dev.whereabouts.runner.cli.FaultCommand;
import dev.whereabouts.runner.cli.GenerateEventCommand;
import dev.whereabouts.runner.cli.InvokeCommand;
import dev.whereabouts.runner.cli.LogsCommand;
import dev.whereabouts.runner.cloudwatch.LocalCloudWatch;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import dev.whereabouts.runner.cloudwatch.ScaledClock;
import dev.whereabouts.runner.console.Console;
import dev.whereabouts.runner.console.LocalMetrics;
import dev.whereabouts.runner.dynamodb.DynamoDbTap;
import dev.whereabouts.runner.dynamodb.RestartableEngine;
import dev.whereabouts.runner.dynamodb.SigningRelay;
import dev.whereabouts.runner.dynamodb.Storage;
import dev.whereabouts.runner.dynamodb.TableSpec;
import dev.whereabouts.runner.dynamodb.Tables;
import dev.whereabouts.runner.dynamodb.TtlSweeper;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.gateway.GatewayResponseType;
import dev.whereabouts.runner.gateway.GatewayResponses;
import dev.whereabouts.runner.gateway.LocalGateway;
import dev.whereabouts.runner.gateway.Policy;
import dev.whereabouts.runner.gateway.RouteTable;
import dev.whereabouts.runner.gateway.SigV4Verifier;
import dev.whereabouts.runner.lambda.CompiledClasses;
import dev.whereabouts.runner.lambda.FunctionConfig;
import dev.whereabouts.runner.lambda.FunctionPool;
import dev.whereabouts.runner.reload.HotReload;
import dev.whereabouts.runner.server.LoopbackServer;
import dev.whereabouts.runner.server.RunnerServer;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole suite on one machine from template.yaml: a local DynamoDB engine (dynalite, a
 * child process) or one the user runs, every function in execution environments of its own, behind
 * a local API Gateway.
 */
public final class LocalRunner implements AutoCloseable {
  /** The stack name {@code AWS::StackName} resolves to. */
  public static final String STACK_NAME = "local";

  private final RunnerOptions options;
  private final Console console;
  private final LocalMetrics metrics =
      new LocalMetrics(new MetricStore(ScaledClock.fromSystemProperty()));
  private LocalCloudWatch cloudWatch;
  private DynamoDbTap tap;
  private boolean banner = true;
  private dev.whereabouts.runner.console.LogFile logFile;
  private CompletableFuture<RestartableEngine> engineStart;
  private Storage storage;
  private RunnerServer server;
  private CompletableFuture<RunnerServer> listening;
  private Path logs;

  /**
   * The suite as wired: its template, gateway and functions' pools. A template reload builds a new
   * one and swaps it whole, so a reader (a gateway thread, the alarm thread, {@code invoke}) sees
   * one suite, never a map half emptied and refilled.
   */
  private record Wiring(Suite suite, LocalGateway gateway, Map<String, FunctionPool> pools) {}

  private volatile Wiring wiring;

  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private HotReload hotReload;

  static {
    // Before anything opens a connection: the JDK reads it once (SharedJvm lists every such
    // change).
    SharedJvm.keepConnectionsAlive();
  }

  /** A runner that prints to {@code out}; {@link #start()} starts it. */
  public static LocalRunner create(RunnerOptions options, PrintStream out) {
    return new LocalRunner(options, out);
  }

  private LocalRunner(RunnerOptions options, PrintStream out) {
    this.options = options;
    this.console = new Console(out, options.colour(), metrics, !options.showMetricLines());
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("fault")) {
      System.exit(FaultCommand.run(args, System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("invoke")) {
      PrintStream stdout = System.out;
      System.exit(InvokeCommand.run(args, System.in, stdout, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("logs")) {
      System.exit(LogsCommand.run(args, System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("generate-event")) {
      System.exit(GenerateEventCommand.run(args, System.out, System.err));
      return;
    }
    RunnerOptions options;
    try {
      options = RunnerOptions.parse(args);
    } catch (RunnerOptions.UsageException e) {
      System.err.println("local-runner: " + e.getMessage());
      System.err.println("Try --help.");
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(RunnerOptions.HELP);
      return;
    }
    LocalRunner runner = new LocalRunner(options, System.out);
    try {
      runner.start();
    } catch (StartupException e) {
      System.err.println("local-runner: " + e.getMessage());
      runner.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.console.runner("shutting down");
                  runner.close();
                  stopped.countDown();
                }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The suite as started, for tests. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /**
   * The local credentials a function was given (access key id, secret), for tests that sign
   * requests as that function.
   */
  public Map.Entry<String, String> credentialsOf(String function) {
    String key = accessKeyOf(function);
    return Map.entry(key, secrets.get(key));
  }

  private static String accessKeyOf(String function) {
    return "LOCAL" + function.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
  }

  /** A runner for one {@code invoke}: no banner, everything it prints goes to {@code out}. */
  public static LocalRunner createQuiet(RunnerOptions options, PrintStream out) {
    LocalRunner r = new LocalRunner(options, out);
    r.banner = false;
    return r;
  }

  /** The template's functions. */
  public java.util.Set<String> functions() {
    return pools().keySet();
  }

  /** Invokes {@code function} once with {@code eventJson}, as the gateway would. */
  public dev.whereabouts.runner.lambda.Invocation invoke(String function, String eventJson)
      throws dev.whereabouts.runner.lambda.FunctionInitException {
    var invocation =
        pools().get(function).invoke(eventJson, java.util.UUID.randomUUID().toString());
    metrics.invocation(function, invocation.durationMs(), !invocation.succeeded());
    return invocation;
  }

  /** The local CloudWatch (alarms, faults), for tests. */
  public LocalCloudWatch cloudWatch() {
    return cloudWatch;
  }

  /** The metrics, for tests. */
  public LocalMetrics metrics() {
    return metrics;
  }

  /** The TTL sweeper, for tests that sweep without waiting for its interval. */
  public TtlSweeper ttlSweeper() {
    return storage.ttlSweeper();
  }

  /** The DynamoDB endpoint the functions use, for tests. */
  public URI dynamoDbEndpoint() {
    return storage.endpoint();
  }

  /** Reads the template, starts the DynamoDB engine, the functions' pools and the gateway. */
  public void start() throws StartupException {
    long started = System.nanoTime();
    // The server binds first: with --port 0 the log's folder is named after the port it got, so
    // logs --port N finds it as it finds any runner's.
    listening = CompletableFuture.supplyAsync(this::listen);
    int port = options.port();
    if (port == 0) {
      server = listened(listening);
      port = server.port();
    }
    logs = LogsCommand.logDir(options.dataDir(), port);
    Path logs = this.logs;
    try {
      logFile =
          new dev.whereabouts.runner.console.LogFile(logs, 10L << 20, java.time.Clock.systemUTC());
      console.logTo(logFile);
    } catch (IOException e) {
      throw new StartupException("cannot write the log in " + logs + ": " + e.getMessage());
    }
    // The engine (a Node.js process) and the SDK the runner talks to it with start while the
    // template is read: the three are most of the start-up time, and they need nothing of each
    // other.
    if (options.dynamoDbEndpoint().isEmpty()) {
      engineStart =
          CompletableFuture.supplyAsync(
              () ->
                  RestartableEngine.start(
                      options.dataDir().map(d -> d.resolve("dynamodb")),
                      console::runner,
                      line -> console.runner("dynalite: " + line)));
    }
    CompletableFuture<Void> sdkLoaded = CompletableFuture.runAsync(Tables::loadClasses);
    Suite suite =
        SuiteReader.read(options.template(), options.parameterOverrides(), options.region());
    requireJars(suite);
    sdkLoaded.join();
    long step =
        step(
            started,
            started,
            String.format(
                "template read: %d functions, %d routes, %d tables, %d alarms and dashboards",
                suite.functions().size(),
                suite.routes().size(),
                suite.tables().size(),
                suite.monitoring().size()));
    if (options.watch()) {
      startHotReload(suite);
    }
    try {
      storage =
          Storage.start(
              options.dynamoDbEndpoint(),
              engineStart,
              suite.region(),
              suite.tables(),
              options.ttlInterval(),
              this::grants,
              console::runner);
    } catch (IllegalStateException e) {
      throw new StartupException(e.getMessage());
    }
    step = step(started, step, "DynamoDB engine and tables ready");

    metrics.api(STACK_NAME, suite.stage());
    try {
      tap =
          new DynamoDbTap(
              storage.upstream(),
              metrics.store(),
              suite.tables().stream().map(TableSpec::name).toList(),
              suite.region(),
              key -> Optional.ofNullable(secrets.get(key)),
              console::runner);
      cloudWatch =
          new LocalCloudWatch(
              suite, STACK_NAME, metrics.store(), this::pools, tap, console::runner);
    } catch (IllegalArgumentException | IOException e) {
      throw new StartupException("the template's alarms or dashboard: " + e.getMessage());
    }
    storage.engine().ifPresent(cloudWatch::engine);
    step = step(started, step, "alarms and dashboard read, DynamoDB tap listening");
    server = listened(listening);
    wire(suite);
    server.page(
        "/_local/metrics",
        exchange ->
            exchange.respondWith(
                200,
                Map.of("Content-Type", "application/json"),
                metrics.toJson().toPrettyString().getBytes(StandardCharsets.UTF_8)));
    step(
        started,
        step,
        pools().size() + " functions ready (each loads in its first request: a cold start)");
    cloudWatch.register(server);
    console.install();
    cloudWatch.start();
    if (banner) {
      printBanner(suite, (System.nanoTime() - started) / 1e6);
    }
  }

  /**
   * What the template grants each function on DynamoDB, for the relay to real tables: the tables'
   * ARNs, and each function's data policy by its access key.
   */
  private SigningRelay.Grants grants() {
    Suite now = wiring == null ? null : wiring.suite();
    Map<String, String> tables = new LinkedHashMap<>();
    Map<String, Policy> byKey = new LinkedHashMap<>();
    if (now != null) {
      for (TableSpec t : now.tables()) {
        tables.put(
            t.name(),
            "arn:aws:dynamodb:" + now.region() + ":" + Suite.ACCOUNT_ID + ":table/" + t.name());
      }
      now.dataPolicies().forEach((function, policy) -> byKey.put(accessKeyOf(function), policy));
    }
    return new SigningRelay.Grants(tables, key -> Optional.ofNullable(byKey.get(key)));
  }

  /** Binds the port and starts serving; the functions' execute-api endpoint is its port. */
  private RunnerServer listen() {
    try {
      RunnerServer s =
          new RunnerServer(options.port(), this::serve, this::problem, console::runner);
      s.start();
      return s;
    } catch (IOException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private RunnerServer listened(CompletableFuture<RunnerServer> listening) throws StartupException {
    try {
      return listening.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof BindException) {
        throw new StartupException(
            "port " + options.port() + " is in use; stop what uses it or pass --port N");
      }
      throw new StartupException(
          "cannot listen on port " + options.port() + ": " + e.getCause().getMessage());
    }
  }

  /** The functions' pools now (empty before the suite is wired); a reload swaps the whole map. */
  private Map<String, FunctionPool> pools() {
    Wiring w = wiring;
    return w == null ? Map.of() : w.pools();
  }

  private void serve(dev.whereabouts.runner.server.Exchange exchange) throws IOException {
    Wiring w = wiring;
    if (w == null) {
      exchange.respondWith(
          503,
          Map.of("Content-Type", "application/json", "Retry-After", "1"),
          "{\"message\":\"The runner is starting.\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (hotReload != null) {
      // A request sent right after a save runs the saved code.
      hotReload.awaitSettled();
    }
    w.gateway().handle(exchange);
  }

  /** The server's own refusals, shaped by the template's gateway responses like the gateway's. */
  private LoopbackServer.Problem problem(int status, String detail, String requestId) {
    GatewayResponseType type =
        switch (status) {
          case 400 -> GatewayResponseType.BAD_REQUEST_PARAMETERS;
          case 403 -> GatewayResponseType.ACCESS_DENIED;
          case 404 -> GatewayResponseType.RESOURCE_NOT_FOUND;
          case 413 -> GatewayResponseType.REQUEST_TOO_LARGE;
          case 415 -> GatewayResponseType.UNSUPPORTED_MEDIA_TYPE;
          default ->
              status >= 500 ? GatewayResponseType.DEFAULT_5XX : GatewayResponseType.DEFAULT_4XX;
        };
    if (type == GatewayResponseType.DEFAULT_5XX || type == GatewayResponseType.DEFAULT_4XX) {
      // No gateway response of its own, and the template's defaults leave the status out: a
      // problem the server writes whole, as API.md shapes every problem.
      com.fasterxml.jackson.databind.node.ObjectNode body =
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      body.put(
          "type",
          "https://whereabouts.dev/problems/" + (status >= 500 ? "internal" : "client-error"));
      body.put(
          "title",
          switch (status) {
            case 408 -> "Request timeout";
            case 431 -> "Request header fields too large";
            case 505 -> "HTTP version not supported";
            default -> status >= 500 ? "Internal server error" : "Client error";
          });
      body.put("status", status);
      body.put("detail", detail);
      body.put("requestId", requestId);
      return new LoopbackServer.Problem(
          status, Map.of("Content-Type", "application/problem+json"), body.toString());
    }
    Wiring w = wiring;
    Suite wired = w == null ? null : w.suite();
    GatewayResponses.Answer a =
        new GatewayResponses(wired == null ? Map.of() : wired.gatewayResponses())
            .render(
                type,
                status,
                detail,
                Map.of("requestId", requestId, "extendedRequestId", requestId));
    return new LoopbackServer.Problem(a.status(), a.headers(), a.body());
  }

  private static void requireJars(Suite suite) throws StartupException {
    for (Suite.Function f : suite.functions()) {
      if (!Files.isRegularFile(f.jar())) {
        throw new StartupException(
            f.logicalId()
                + ": "
                + f.jar()
                + " does not exist; build it with: mvn -B -q package -DskipTests -pl "
                + f.module()
                + " -am");
      }
    }
  }

  /**
   * Builds the functions' pools and the gateway for a suite and puts them in service. A function
   * whose configuration is unchanged keeps its pool (and its warm environments); a replaced or
   * removed function's pool is closed once the new gateway serves, letting its requests in flight
   * finish.
   */
  private synchronized void wire(Suite suite) {
    Map<String, FunctionPool> pools = pools();
    Map<String, FunctionPool> next = new LinkedHashMap<>();
    Map<String, Policy> policyByKey = new LinkedHashMap<>();
    for (Suite.Function f : suite.functions()) {
      // Each function gets credentials of its own, as each Lambda function has its own role.
      String accessKey = accessKeyOf(f.logicalId());
      secrets.computeIfAbsent(
          accessKey,
          k -> {
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            return HexFormat.of().formatHex(secret);
          });
      Optional.ofNullable(suite.invokePolicies().get(f.logicalId()))
          .ifPresent(p -> policyByKey.put(accessKey, p));
      Map<String, String> env = new LinkedHashMap<>(f.environment());
      env.put("AWS_REGION", suite.region());
      env.put("AWS_DEFAULT_REGION", suite.region());
      env.put("AWS_ACCESS_KEY_ID", accessKey);
      env.put("AWS_SECRET_ACCESS_KEY", secrets.get(accessKey));
      // Through the tap, which publishes AWS/DynamoDB metrics and injects table faults.
      env.put("AWS_ENDPOINT_URL_DYNAMODB", tap.endpoint().toString());
      // API Gateway's execute API is this runner: a function calling its own API (profile ->
      // location) derives the URL from its request context's API id and stage, never from Host.
      env.put("AWS_ENDPOINT_URL_EXECUTE_API", "http://127.0.0.1:" + server.port());
      env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
      env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(f.memoryMb()));
      env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
      FunctionConfig config =
          new FunctionConfig(f.logicalId(), f.jar(), f.handler(), f.timeout(), f.memoryMb(), env);
      FunctionPool kept = pools.get(f.logicalId());
      if (kept != null && kept.config().equals(config)) {
        next.put(f.logicalId(), kept);
        continue;
      }
      FunctionPool pool =
          new FunctionPool(
              config,
              options.watch(),
              new FunctionPool.Listener() {
                @Override
                public void coldStart(String function, int environment, double initMs) {
                  console.runner(
                      String.format(
                          "%s: cold start, environment #%d, init %.0f ms",
                          function, environment, initMs));
                }

                @Override
                public void reloaded(String function) {
                  console.runner(function + ": jar changed, new environments will load it");
                }
              },
              task -> console.as(f.logicalId(), task));
      if (hotReload != null) {
        pool.load(hotReload.classesFor(f.module()));
      }
      next.put(f.logicalId(), pool);
    }

    LocalGateway gateway =
        new LocalGateway(
            new LocalGateway.Settings(
                suite.stage(),
                suite.region(),
                Suite.ACCOUNT_ID,
                Suite.API_ID,
                suite.stageThrottle(),
                suite.corsHeaders()),
            new RouteTable(suite.routes()),
            next,
            new GatewayResponses(suite.gatewayResponses()),
            new SigV4Verifier(suite.region(), key -> Optional.ofNullable(secrets.get(key))),
            key -> Optional.ofNullable(policyByKey.get(key)),
            metrics,
            console::runner,
            Clock.systemUTC());
    wiring = new Wiring(suite, gateway, java.util.Collections.unmodifiableMap(next));
    for (Map.Entry<String, FunctionPool> old : pools.entrySet()) {
      if (next.get(old.getKey()) != old.getValue()) {
        old.getValue().close();
      }
    }
  }

  /** {@code --watch}: sources recompiled on save, template.yaml re-read on save. */
  private void startHotReload(Suite suite) throws StartupException {
    try {
      hotReload =
          HotReload.start(
              options.template(),
              jarsByModule(suite),
              console::runner,
              new HotReload.Target() {
                @Override
                public void load(String module, CompiledClasses c) {
                  loadCompiled(module, c);
                }

                @Override
                public Optional<Map<String, Path>> templateChanged() {
                  return reloadTemplate();
                }
              });
    } catch (IOException e) {
      throw new StartupException("--watch: cannot watch the sources: " + e.getMessage());
    }
    List<String> modules = hotReload.modules();
    console.runner(
        modules.isEmpty()
            ? "--watch: no sources beside the template; a rebuilt jar is loaded by the next"
                + " request; template.yaml is re-read on save"
            : "--watch: watching the sources of "
                + String.join(", ", modules)
                + ", and template.yaml; a saved file takes effect on the next request");
  }

  private static Map<String, Path> jarsByModule(Suite suite) {
    Map<String, Path> jars = new LinkedHashMap<>();
    suite.functions().forEach(f -> jars.putIfAbsent(f.module(), f.jar()));
    return jars;
  }

  private synchronized void loadCompiled(String module, CompiledClasses classes) {
    Wiring w = wiring;
    if (w == null) {
      return; // not wired yet: wire() asks for the compiled classes itself
    }
    for (Suite.Function f : w.suite().functions()) {
      FunctionPool pool = w.pools().get(f.logicalId());
      if (f.module().equals(module) && pool != null) {
        pool.load(classes);
      }
    }
  }

  /**
   * Re-reads template.yaml: new tables are created (none is dropped: their data stays), functions
   * and routes replaced. A template that cannot be read leaves the running suite as it was.
   */
  private Optional<Map<String, Path>> reloadTemplate() {
    if (wiring == null) {
      console.runner("template.yaml changed while starting: restart to apply it");
      return Optional.empty();
    }
    Suite next;
    try {
      next = SuiteReader.read(options.template(), options.parameterOverrides(), options.region());
      requireJars(next);
    } catch (StartupException e) {
      console.runner(
          "template.yaml not reloaded, the previous one stays in force: " + e.getMessage());
      return Optional.empty();
    }
    for (TableSpec table : next.tables()) {
      try {
        if (storage.createIfMissing(table)) {
          console.runner("table " + table.name() + " created");
        }
      } catch (RuntimeException e) {
        console.runner("table " + table.name() + " not created: " + e.getMessage());
      }
    }
    wire(next);
    printRoutes(next);
    return Optional.of(jarsByModule(next));
  }

  /**
   * Prints one start-up step as it ends, with the time since start and its own, so a slow start
   * says where it is.
   *
   * @return now, the next step's start
   */
  private long step(long started, long stepStarted, String what) {
    long now = System.nanoTime();
    console.runner(
        String.format(
            "[%5.0f ms] %s (%.0f ms)", (now - started) / 1e6, what, (now - stepStarted) / 1e6));
    return now;
  }

  private void printBanner(Suite suite, double startMs) {
    String base = baseUrl();
    console.runner(
        String.format(
            "ready in %.0f ms on %s (stage %s also served at %s/%s)",
            startMs, base, suite.stage(), base, suite.stage()));
    printRoutes(suite);
    console.runner(cloudWatch.describe());
    console.runner("dashboard: " + base + "/_local/dashboard");
    console.runner(
        "logs: "
            + dev.whereabouts.runner.console.LogFile.current(logs)
            + " (search them: java -jar local-runner/target/local-runner.jar logs --help)");
    console.runner("try it:");
    for (String line : CurlSession.lines(base)) {
      console.runner("  " + line);
    }
  }

  private void printRoutes(Suite suite) {
    for (ApiRoute r : new RouteTable(suite.routes()).routes()) {
      String auth =
          r.auth() instanceof ApiRoute.AuthorizerAuth a
              ? "Bearer (" + a.name() + ")"
              : r.auth() instanceof ApiRoute.IamAuth ? "AWS_IAM" : "none";
      console.runner(
          String.format("  %-7s %-28s %-22s -> %s", r.method(), r.resource(), auth, r.function()));
    }
    console.runner(
        "  GET     /_local/metrics              invocations, cold starts, durations, custom metrics,"
            + " gateway time");
    console.runner(
        "  GET     /_local/alarms               the template's alarms, as ops status shows them");
    console.runner(
        "  POST    /_local/faults               inject faults (or: java -jar local-runner.jar fault --help)");
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    } else if (listening != null) {
      // start-up failed elsewhere while the server was starting
      listening.thenAccept(RunnerServer::close);
    }
    if (hotReload != null) {
      hotReload.close();
    }
    if (cloudWatch != null) {
      cloudWatch.close();
    } else if (tap != null) {
      tap.close();
    }
    if (logFile != null) {
      logFile.close();
      if (options.dataDir().isEmpty()) {
        // In-memory data, ephemeral log: the temporary folder goes with the runner.
        logFile.deleteFolder();
      }
    }
    pools().values().forEach(FunctionPool::close);
    if (storage != null) {
      storage.close();
    } else if (engineStart != null) {
      // start-up failed elsewhere while the engine was still starting
      engineStart.thenAccept(RestartableEngine::close);
    }
  }

  /** A start-up failure with a one-line message for the user. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
      super(message, null, false, false);
    }
  }
}
