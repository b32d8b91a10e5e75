package dev.whereabouts.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class DynamoDbEngineTest {
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(10);

  @Test
  void answersDynamoDbCallsOnLoopbackAndStopsWhenClosed() {
    DynamoDbEngine engine = DynamoDbEngine.startInMemory();
    try (DynamoDbClient client = client(engine)) {
      assertEquals("127.0.0.1", engine.endpoint().getHost());
      createTable(client, "answers");
      client.putItem(p -> p.tableName("answers").item(Map.of("id", s("a"), "n", n("1"))));
      assertEquals(
          "1",
          client
              .getItem(g -> g.tableName("answers").key(Map.of("id", s("a"))))
              .item()
              .get("n")
              .n());
    }
    engine.close();
    assertFalse(engine.isAlive());
  }

  @Test
  void aWebPageOrARebindingHostCannotReachTheTables() throws IOException {
    try (DynamoDbEngine engine = DynamoDbEngine.startInMemory()) {
      int port = engine.endpoint().getPort();
      String scan =
          "POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sX-Amz-Target: DynamoDB_20120810.ListTables"
              + "\r\nContent-Type: application/x-amz-json-1.0\r\nAuthorization: AWS4-HMAC-SHA256"
              + " Credential=x/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host,"
              + " Signature=00\r\nX-Amz-Date: 20260101T000000Z\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
      String plain = raw(port, String.format(scan, port, ""));
      assertTrue(plain.startsWith("HTTP/1.1 200"), plain);
      String withOrigin = raw(port, String.format(scan, port, "Origin: https://evil.example\r\n"));
      assertTrue(withOrigin.startsWith("HTTP/1.1 403"), withOrigin);
      assertFalse(withOrigin.toLowerCase(java.util.Locale.ROOT).contains("access-control-allow"));
      String preflight =
          raw(
              port,
              "OPTIONS / HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST"
                  + "\r\nConnection: close\r\n\r\n");
      assertTrue(preflight.startsWith("HTTP/1.1 403"), preflight);
      assertFalse(preflight.toLowerCase(java.util.Locale.ROOT).contains("access-control-allow"));
      String rebound =
          raw(
              port,
              scan.replace("Host: 127.0.0.1:%d", "Host: rebind.evil.example:%d")
                  .formatted(port, ""));
      assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
    }
  }

  private static String raw(int port, String request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void keepsDataAcrossRestartsInItsDataDirectory(@TempDir Path dir) {
    try (DynamoDbEngine first = start(dir);
        DynamoDbClient client = client(first)) {
      createTable(client, "kept");
      client.putItem(p -> p.tableName("kept").item(Map.of("id", s("k"), "v", s("stays"))));
    }
    try (DynamoDbEngine second = start(dir);
        DynamoDbClient client = client(second)) {
      assertEquals(
          "stays",
          client.getItem(g -> g.tableName("kept").key(Map.of("id", s("k")))).item().get("v").s());
    }
  }

  @Test
  void killedMidWorkItKeepsEveryAcknowledgedWriteAndRestartsOnItsPort(@TempDir Path dir) {
    DynamoDbEngine first = start(dir);
    int port = first.endpoint().getPort();
    int acknowledged = 0;
    try (DynamoDbClient client = client(first)) {
      createTable(client, "crash");
      for (int i = 0; i < 200; i++) {
        String id = "k" + i;
        client.putItem(p -> p.tableName("crash").item(Map.of("id", s(id), "v", n("1"))));
        acknowledged++;
      }
    }
    first.kill();
    assertFalse(first.isAlive());

    try (DynamoDbEngine second =
            DynamoDbEngine.start(Optional.of(dir), port, System.err::println, System.err::println);
        DynamoDbClient client = client(second)) {
      assertEquals(first.endpoint(), second.endpoint(), "the restarted engine keeps its endpoint");
      for (int i = 0; i < acknowledged; i++) {
        String id = "k" + i;
        assertTrue(
            client.getItem(g -> g.tableName("crash").key(Map.of("id", s(id)))).hasItem(),
            "acknowledged write " + id + " survives SIGKILL");
      }
    }
  }

  @Test
  void inMemoryEnginesShareNothing() {
    try (DynamoDbEngine one = DynamoDbEngine.startInMemory();
        DynamoDbEngine two = DynamoDbEngine.startInMemory();
        DynamoDbClient first = client(one);
        DynamoDbClient second = client(two)) {
      createTable(first, "only-in-one");
      assertTrue(first.listTables().tableNames().contains("only-in-one"));
      assertFalse(second.listTables().tableNames().contains("only-in-one"));
    }
  }

  @Test
  void endsWhenItsParentIsKilledWithSigkill() throws Exception {
    assertEngineEndsWithParent("wait", Process::destroyForcibly);
  }

  @Test
  void endsWhenItsParentIsTerminated() throws Exception {
    assertEngineEndsWithParent("wait", Process::destroy);
  }

  @Test
  void endsWhenItsParentCrashesWithoutShutdownHooks() throws Exception {
    assertEngineEndsWithParent("crash", parent -> {});
  }

  @Test
  void theParentsOwnShutdownStopsItInOrder() throws Exception {
    // close() is what the runner and the test JVM's shutdown hook call
    DynamoDbEngine engine = DynamoDbEngine.startInMemory();
    long pid = engine.pid();
    engine.close();
    assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void everyPackageItInstallsHasAnOpenSourceLicence() throws IOException {
    JsonNode packages =
        new ObjectMapper().readTree(Installation.resource("package-lock.json")).path("packages");
    Set<String> openSource = Set.of("MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause");
    Map<String, String> refused = new TreeMap<>();
    packages
        .fields()
        .forEachRemaining(
            e -> {
              String licence = e.getValue().path("license").asText("");
              if (!openSource.contains(licence)) {
                refused.put(e.getKey().isEmpty() ? "(root)" : e.getKey(), licence);
              }
            });
    assertTrue(packages.has("node_modules/dynalite"), "dynalite is pinned in the lock file");
    assertEquals(Map.of(), refused, "packages without an accepted open-source licence");
  }

  @Test
  void withoutNodeItSaysInOneLineWhatToInstall(@TempDir Path emptyPath) throws Exception {
    Result result = runMain(emptyPath);
    assertEquals(1, result.exitCode(), result.stderr());
    assertEquals(1, result.stderr().strip().lines().count(), result.stderr());
    assertTrue(result.stderr().contains("needs Node.js 20 or newer"), result.stderr());
    assertTrue(result.stderr().contains("not on the PATH"), result.stderr());
  }

  @Test
  void anOldNodeIsNamedWithItsVersion(@TempDir Path bin) throws Exception {
    Path node = bin.resolve("node");
    java.nio.file.Files.writeString(node, "#!/bin/sh\necho v18.19.0\n");
    assertTrue(node.toFile().setExecutable(true));
    Result result = runMain(bin);
    assertEquals(1, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("found v18.19.0"), result.stderr());
    assertEquals(1, result.stderr().strip().lines().count(), result.stderr());
  }

  private record Result(int exitCode, String stderr) {}

  /** Runs {@code DynamoDbEngine}'s main in a JVM whose PATH is only {@code path}. */
  private static Result runMain(Path path) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), DynamoDbEngine.class.getName());
    builder.environment().put("PATH", path.toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return new Result(process.exitValue(), stderr);
  }

  private static void assertEngineEndsWithParent(String mode, ParentEnding ending)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                EngineParent.class.getName(),
                mode)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long enginePid;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(
          line != null && line.startsWith("engine-pid "), "the parent started an engine: " + line);
      enginePid = Long.parseLong(line.substring("engine-pid ".length()));
      assertTrue(ProcessHandle.of(enginePid).isPresent() || "crash".equals(mode));
      ending.end(parent);
      assertTrue(parent.waitFor(ORPHAN_GRACE.toSeconds(), TimeUnit.SECONDS), "the parent ended");
    } finally {
      parent.destroyForcibly();
    }
    Instant deadline = Instant.now().plus(ORPHAN_GRACE);
    while (Instant.now().isBefore(deadline)
        && ProcessHandle.of(enginePid).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(50);
    }
    Optional<ProcessHandle> left = ProcessHandle.of(enginePid);
    assertFalse(
        left.map(ProcessHandle::isAlive).orElse(false),
        "engine " + enginePid + " outlived its parent");
  }

  private interface ParentEnding {
    void end(Process parent) throws Exception;
  }

  private static DynamoDbEngine start(Path dir) {
    return DynamoDbEngine.start(Optional.of(dir), System.err::println, System.err::println);
  }

  private static DynamoDbClient client(DynamoDbEngine engine) {
    return DynamoDbClient.builder()
        .endpointOverride(engine.endpoint())
        .region(Region.EU_CENTRAL_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static void createTable(DynamoDbClient client, String name) {
    client.createTable(
        t ->
            t.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
    // As with DynamoDB, a new table is CREATING until the engine's next tick.
    while (client.describeTable(d -> d.tableName(name)).table().tableStatus()
        != TableStatus.ACTIVE) {
      Thread.onSpinWait();
    }
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static AttributeValue n(String v) {
    return AttributeValue.fromN(v);
  }
}
