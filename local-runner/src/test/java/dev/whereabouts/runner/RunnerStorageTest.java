package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.engine.DynamoDbEngine;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.dynamodb.Storage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The runner's DynamoDB engine: start-up line, kept data, TTL, an engine of the user's. */
class RunnerStorageTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration SWEEP_WAIT = Duration.ofSeconds(15);

  @Test
  void theEngineIsAnnouncedInOneLine() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (LocalRunner runner = start(console)) {
      String said = console.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("runner  | DynamoDB engine: dynalite "), said);
      assertTrue(said.contains(" on http://127.0.0.1:"), said);
      assertTrue(said.contains(", in memory"), said);
      assertEquals("127.0.0.1", runner.dynamoDbEndpoint().getHost());
    }
  }

  @Test
  void aDataDirectoryKeepsUsersAcrossRestarts(@TempDir Path data) throws Exception {
    String user = "kept-" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"userId\":\"" + user + "\",\"password\":\"correct horse battery\"}";
    try (LocalRunner first = start(new ByteArrayOutputStream(), "--data-dir", data.toString())) {
      assertEquals(201, post(first, "/auth/users", body).statusCode());
    }
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (LocalRunner second = start(console, "--data-dir", data.toString())) {
      String said = console.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("data in " + data.resolve("dynamodb").toAbsolutePath()), said);
      assertTrue(said.contains("exists, kept"), said);
      HttpResponse<String> again = post(second, "/auth/users", body);
      assertEquals(409, again.statusCode(), again.body());
      HttpResponse<String> login = post(second, "/auth/tokens", body);
      assertEquals(201, login.statusCode(), login.body());
    }
  }

  @Test
  void expiredTokensDisappearWithoutARequestTouchingThem() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (LocalRunner runner = start(console, "--ttl-interval", "1")) {
      String user = "ttl-" + UUID.randomUUID().toString().substring(0, 8);
      String body = "{\"userId\":\"" + user + "\",\"password\":\"correct horse battery\"}";
      assertEquals(201, post(runner, "/auth/users", body).statusCode());
      assertEquals(201, post(runner, "/auth/tokens", body).statusCode());
      assertEquals(201, post(runner, "/auth/tokens", body).statusCode());
      try (DynamoDbClient dynamoDb = client(runner.dynamoDbEndpoint())) {
        String table = authTable(dynamoDb);
        List<Map<String, AttributeValue>> tokens = tokensOf(dynamoDb, table, user);
        assertEquals(2, tokens.size(), "two logins stored two tokens");
        // An hour passes for one of them: its expiry now lies in the past.
        Map<String, AttributeValue> expired = tokens.get(0);
        dynamoDb.updateItem(
            u ->
                u.tableName(table)
                    .key(Map.of("pk", expired.get("pk")))
                    .updateExpression("SET expiresAt = :past")
                    .expressionAttributeValues(
                        Map.of(
                            ":past",
                            AttributeValue.fromN(
                                Long.toString(Instant.now().minusSeconds(5).getEpochSecond())))));
        List<Map<String, AttributeValue>> left =
            Eventually.await(
                SWEEP_WAIT,
                Duration.ofMillis(200),
                () -> tokensOf(dynamoDb, table, user),
                found -> found.size() != 2);
        assertEquals(1, left.size(), "the expired token was deleted, the live one kept");
        assertEquals(tokens.get(1).get("pk"), left.get(0).get("pk"));
      }
      // The sweeper prints its line after the delete it reports: wait for the line, too.
      String said =
          Eventually.await(
              SWEEP_WAIT,
              () -> console.toString(StandardCharsets.UTF_8),
              s -> s.contains("TTL: deleted 1 expired item from "));
      assertTrue(said.contains("are deleted every 1 s"), said);
      assertTrue(said.contains("TTL: deleted 1 expired item from "), said);
    }
  }

  @Test
  void anEngineOfTheUsersGetsTheMissingTablesAndKeepsTheRest() throws Exception {
    try (DynamoDbEngine own = DynamoDbEngine.startInMemory();
        DynamoDbClient dynamoDb = client(own.endpoint())) {
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      try (LocalRunner runner = start(first, "--dynamodb-endpoint", own.endpoint().toString())) {
        assertEquals(own.endpoint(), runner.dynamoDbEndpoint());
        String said = first.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("DynamoDB engine: yours, at " + own.endpoint()), said);
        assertTrue(said.contains(" created"), said);
        assertFalse(said.contains("dynalite 4"), "no engine of the runner's own: " + said);
        assertEquals(3, dynamoDb.listTables().tableNames().size());
      }
      ByteArrayOutputStream second = new ByteArrayOutputStream();
      try (LocalRunner runner = start(second, "--dynamodb-endpoint", own.endpoint().toString())) {
        String said = second.toString(StandardCharsets.UTF_8);
        assertFalse(said.contains(" created"), said);
        assertEquals(3, said.split("exists, kept", -1).length - 1, said);
      }
    }
  }

  @Test
  void onlyAwsEndpointsGoThroughTheSigningRelay() {
    assertTrue(Storage.isAwsEndpoint(URI.create("https://dynamodb.eu-west-1.amazonaws.com")));
    assertFalse(Storage.isAwsEndpoint(URI.create("http://127.0.0.1:8000")));
    assertFalse(Storage.isAwsEndpoint(URI.create("http://dynamo.internal:8000")));
  }

  private static List<Map<String, AttributeValue>> tokensOf(
      DynamoDbClient dynamoDb, String table, String user) {
    List<Map<String, AttributeValue>> tokens = new ArrayList<>();
    for (Map<String, AttributeValue> item : dynamoDb.scan(s -> s.tableName(table)).items()) {
      if (item.get("pk").s().startsWith("token#")
          && user.equals(item.getOrDefault("userId", AttributeValue.fromS("")).s())) {
        tokens.add(item);
      }
    }
    tokens.sort((a, b) -> a.get("pk").s().compareTo(b.get("pk").s()));
    return tokens;
  }

  private static String authTable(DynamoDbClient dynamoDb) {
    return dynamoDb.listTables().tableNames().stream()
        .filter(n -> n.toLowerCase().contains("auth"))
        .findFirst()
        .orElseThrow();
  }

  private static LocalRunner start(ByteArrayOutputStream console, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--template",
                SuiteUnderTest.repositoryRoot().resolve("template.yaml").toString(),
                "--port",
                "0",
                "--no-color"));
    args.addAll(List.of(extra));
    LocalRunner runner =
        LocalRunner.create(
            RunnerOptions.parse(args.toArray(String[]::new)),
            new PrintStream(console, true, StandardCharsets.UTF_8));
    runner.start();
    return runner;
  }

  private static HttpResponse<String> post(LocalRunner runner, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static DynamoDbClient client(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.EU_CENTRAL_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
