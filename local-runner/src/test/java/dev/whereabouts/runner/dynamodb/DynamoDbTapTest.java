package dev.whereabouts.runner.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.engine.DynamoDbEngine;
import dev.whereabouts.runner.cloudwatch.MetricKey;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import dev.whereabouts.runner.cloudwatch.Statistic;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The tap between the functions and the engine: AWS/DynamoDB metrics and injected faults. */
class DynamoDbTapTest {
  private static DynamoDbEngine engine;
  private static DynamoDbTap tap;
  private static DynamoDbClient client;
  private static final MetricStore STORE = new MetricStore(Clock.systemUTC());
  private static final String TABLE = "TapTable";

  @BeforeAll
  static void start() throws Exception {
    engine = DynamoDbEngine.startInMemory();
    tap = tap(engine.endpoint());
    client =
        DynamoDbClient.builder()
            .endpointOverride(tap.endpoint())
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
            .build();
    client.createTable(
        r ->
            r.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(
                    KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (tap != null) {
      tap.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  /** A tap that knows one function's credentials: access key "local", secret "local". */
  private static DynamoDbTap tap(URI engine) throws java.io.IOException {
    return new DynamoDbTap(
        DynamoDbTap.engine(engine),
        STORE,
        List.of(TABLE),
        "eu-central-1",
        key -> key.equals("local") ? Optional.of("local") : Optional.empty(),
        line -> {});
  }

  private static double sum(String name, String... dims) {
    long now = System.currentTimeMillis();
    return STORE
        .statistic(
            MetricKey.of("AWS/DynamoDB", name, dims), Statistic.parse("Sum"), now - 60_000, now + 1)
        .orElse(0);
  }

  private static Map<String, AttributeValue> key(String id) {
    return Map.of("id", AttributeValue.fromS(id));
  }

  @Test
  void requestsPassThroughAndTheirConsumedCapacityIsPublished() {
    double writes = sum("ConsumedWriteCapacityUnits", "TableName", TABLE);
    double reads = sum("ConsumedReadCapacityUnits", "TableName", TABLE);
    client.putItem(r -> r.tableName(TABLE).item(Map.of("id", AttributeValue.fromS("a"))));
    var got = client.getItem(r -> r.tableName(TABLE).key(key("a")).consistentRead(true));
    assertEquals("a", got.item().get("id").s());
    // The function did not ask for the consumed capacity: the tap asked, and the answer says so.
    assertTrue(got.consumedCapacity() != null);
    assertEquals(writes + 1, sum("ConsumedWriteCapacityUnits", "TableName", TABLE), 1e-9);
    assertEquals(reads + 1, sum("ConsumedReadCapacityUnits", "TableName", TABLE), 1e-9);
    // A batch names its table inside RequestItems; its capacity comes back as a list.
    var batch =
        client.batchGetItem(
            r ->
                r.requestItems(
                    Map.of(
                        TABLE,
                        software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                            .keys(key("a"))
                            .consistentRead(true)
                            .build())));
    assertEquals(1, batch.responses().get(TABLE).size());
    assertEquals(reads + 2, sum("ConsumedReadCapacityUnits", "TableName", TABLE), 1e-9);
  }

  @Test
  void anInjectedThrottleAnswersAsDynamoDbAndCountsAsAThrottleEvent() {
    double before = sum("ReadThrottleEvents", "TableName", TABLE);
    tap.inject(TABLE, new DynamoDbTap.TableFault(1, 0));
    try {
      assertThrows(
          ProvisionedThroughputExceededException.class,
          () -> client.getItem(r -> r.tableName(TABLE).key(key("a"))));
    } finally {
      tap.inject(TABLE, DynamoDbTap.TableFault.NONE);
    }
    assertEquals(before + 1, sum("ReadThrottleEvents", "TableName", TABLE), 1e-9);
    client.getItem(r -> r.tableName(TABLE).key(key("a"))); // lifted: it passes again
  }

  @Test
  void anInjectedErrorIsA500AndASystemErrorOfItsOperation() {
    double before = sum("SystemErrors", "TableName", TABLE, "Operation", "PutItem");
    tap.inject(TABLE, new DynamoDbTap.TableFault(0, 1));
    try {
      DynamoDbException e =
          assertThrows(
              DynamoDbException.class,
              () -> client.putItem(r -> r.tableName(TABLE).item(key("b"))));
      assertEquals(500, e.statusCode());
    } finally {
      tap.inject(TABLE, DynamoDbTap.TableFault.NONE);
    }
    assertEquals(before + 1, sum("SystemErrors", "TableName", TABLE, "Operation", "PutItem"), 1e-9);
    assertThrows(
        IllegalArgumentException.class,
        () -> tap.inject("NoSuchTable", new DynamoDbTap.TableFault(1, 0)));
  }

  @Test
  void manyCallsOnOneKeptAliveConnectionEachGetTheirOwnWholeAnswer() {
    client.putItem(r -> r.tableName(TABLE).item(Map.of("id", AttributeValue.fromS("many"))));
    double reads = sum("ConsumedReadCapacityUnits", "TableName", TABLE);
    for (int i = 0; i < 200; i++) {
      String id = i % 2 == 0 ? "many" : "missing-" + i;
      var got = client.getItem(r -> r.tableName(TABLE).key(key(id)).consistentRead(true));
      // The SDK checks the engine's x-amz-crc32 of every body: a relayed byte out of place fails.
      assertEquals(i % 2 == 0, got.hasItem() && "many".equals(got.item().get("id").s()));
    }
    assertEquals(reads + 200, sum("ConsumedReadCapacityUnits", "TableName", TABLE), 1e-9);
  }

  /** Writes a raw request to the tap and reads the whole answer. */
  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", tap.endpoint().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readAll(socket.getInputStream());
    }
  }

  private static String scan(String extraHeaders, String signature) throws Exception {
    String body = "{\"TableName\":\"" + TABLE + "\"}";
    return raw(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:"
            + tap.endpoint().getPort()
            + "\r\nContent-Type: application/x-amz-json-1.0\r\n"
            + "X-Amz-Target: DynamoDB_20120810.Scan\r\n"
            + "Authorization: AWS4-HMAC-SHA256"
            + " Credential=local/20260101/eu-central-1/dynamodb/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature="
            + signature
            + "\r\nX-Amz-Date: 20260101T000000Z\r\n"
            + extraHeaders
            + "Content-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  @Test
  void aCallWithoutAFunctionsValidSignatureNeverReachesTheTables() throws Exception {
    client.putItem(r -> r.tableName(TABLE).item(Map.of("id", AttributeValue.fromS("secret"))));
    String junk = scan("", "00");
    assertTrue(junk.startsWith("HTTP/1.1 403 Forbidden"), junk);
    assertTrue(junk.contains("AccessDeniedException"), junk);
    assertTrue(!junk.contains("secret"), junk);
  }

  @Test
  void aWebPageCannotReachTheTablesThroughTheTap() throws Exception {
    String withOrigin = scan("Origin: https://evil.example\r\n", "00");
    assertTrue(withOrigin.startsWith("HTTP/1.1 403 "), withOrigin);
    assertTrue(!withOrigin.toLowerCase(java.util.Locale.ROOT).contains("access-control-allow"));
    String preflight =
        raw(
            "OPTIONS / HTTP/1.1\r\nHost: 127.0.0.1:"
                + tap.endpoint().getPort()
                + "\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST"
                + "\r\nConnection: close\r\n\r\n");
    assertTrue(preflight.startsWith("HTTP/1.1 403 "), preflight);
    assertTrue(!preflight.toLowerCase(java.util.Locale.ROOT).contains("access-control-allow"));
    String rebound =
        raw(
            "POST / HTTP/1.1\r\nHost: rebind.evil.example:"
                + tap.endpoint().getPort()
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertTrue(rebound.startsWith("HTTP/1.1 403 "), rebound);
  }

  @Test
  void whenTheEngineCannotBeReachedTheConnectionEndsWithoutAnAnswer() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (DynamoDbTap orphan = tap(URI.create("http://127.0.0.1:" + closedPort));
        DynamoDbClient lost =
            DynamoDbClient.builder()
                .endpointOverride(orphan.endpoint())
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                .build()) {
      // As an unreachable DynamoDB endpoint: a client error the SDK retries, never a made-up
      // answer.
      assertThrows(
          SdkClientException.class, () -> lost.getItem(r -> r.tableName(TABLE).key(key("a"))));
    }
  }

  private static String readAll(InputStream in) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
