package dev.whereabouts.runner.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.engine.DynamoDbEngine;
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
    tap = new DynamoDbTap(engine.endpoint(), STORE, List.of(TABLE));
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

  @Test
  void aChunkedRequestIsJoinedAndAnsweredWithALength() throws Exception {
    String json = "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"id\":{\"S\":\"chunked\"}}}";
    String half = json.substring(0, 20);
    String rest = json.substring(20);
    try (Socket socket = new Socket("127.0.0.1", tap.endpoint().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                  + "X-Amz-Target: DynamoDB_20120810.GetItem\r\n"
                  + "Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/eu-central-1/dynamodb/aws4_request,"
                  + " SignedHeaders=host, Signature=00\r\n"
                  + "X-Amz-Date: 20260101T000000Z\r\n"
                  + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  + Integer.toHexString(half.length())
                  + "\r\n"
                  + half
                  + "\r\n"
                  + Integer.toHexString(rest.length())
                  + "\r\n"
                  + rest
                  + "\r\n0\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = readAll(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(answer.contains("Content-Length: "), answer);
      assertTrue(answer.contains("Connection: close"), answer);
      assertTrue(answer.contains("\"ConsumedCapacity\""), answer);
    }
  }

  @Test
  void whenTheEngineCannotBeReachedTheConnectionEndsWithoutAnAnswer() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (DynamoDbTap orphan =
            new DynamoDbTap(URI.create("http://127.0.0.1:" + closedPort), STORE, List.of(TABLE));
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
