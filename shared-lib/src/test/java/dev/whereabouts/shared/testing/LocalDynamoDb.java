package dev.whereabouts.shared.testing;

import dev.whereabouts.engine.DynamoDbEngine;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.store.Aws;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The local DynamoDB engine (dynalite, a child process on loopback), started once per test JVM and
 * shared by its tests; it ends with the JVM.
 *
 * <p>Functions under test reach it the way they reach DynamoDB anywhere: through {@code
 * AWS_ENDPOINT_URL_DYNAMODB} in their environment. Every table gets a name of its own, so tests
 * never see each other's data.
 */
public final class LocalDynamoDb {
  /** The region every test function is configured with. */
  public static final String REGION = "eu-central-1";

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static String endpoint;
  private static DynamoDbClient client;

  private LocalDynamoDb() {}

  /** The endpoint URL, starting the engine on first use. */
  public static synchronized String endpoint() {
    if (endpoint == null) {
      endpoint = DynamoDbEngine.startInMemory().endpoint().toString();
    }
    return endpoint;
  }

  /**
   * The environment a function under test gets: region, static credentials, the local endpoint,
   * plus {@code extra} (table names and the like).
   */
  public static Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", REGION);
    env.put("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "local-test-secret");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint());
    env.put("AWS_LAMBDA_FUNCTION_NAME", "test-function");
    env.putAll(extra);
    return env;
  }

  /** A client for test set-up and assertions, built by the functions' own factory. */
  public static synchronized DynamoDbClient client() {
    if (client == null) {
      client = Aws.dynamoDb(Environment.of(environment(Map.of())));
    }
    return client;
  }

  /**
   * Creates a fresh on-demand table with a string partition key. {@code ttlAttribute} names the TTL
   * attribute the table's owner declares; the engine deletes nothing by itself (the runner's
   * sweeper does that), so functions check expiry on read, as they must on AWS too.
   *
   * @return the table's name (unique per call)
   */
  public static String createTable(String prefix, String hashKey, String ttlAttribute) {
    String name = prefix + "-" + TABLES.incrementAndGet() + "-" + System.nanoTime();
    DynamoDbClient dynamoDb = client();
    dynamoDb.createTable(
        CreateTableRequest.builder()
            .tableName(name)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName(hashKey)
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .keySchema(
                KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build())
            .build());
    awaitActive(dynamoDb, name);
    return name;
  }

  /**
   * Waits until the table is ACTIVE, as a client of DynamoDB must: the engine, like DynamoDB,
   * answers CreateTable while the table is still CREATING (for dynalite, until its next tick).
   */
  private static void awaitActive(DynamoDbClient dynamoDb, String name) {
    for (int attempt = 0; attempt < 2_000; attempt++) {
      if (dynamoDb.describeTable(d -> d.tableName(name)).table().tableStatus()
          == TableStatus.ACTIVE) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + name, e);
      }
    }
    throw new IllegalStateException("table " + name + " did not become ACTIVE");
  }
}
