package dev.whereabouts.shared.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.store.Aws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * DynamoDB Local, embedded in the test JVM and listening on loopback, started once per JVM.
 *
 * <p>Functions under test reach it the way they reach DynamoDB anywhere: through {@code
 * AWS_ENDPOINT_URL_DYNAMODB} in their environment. Each test class gets fresh tables.
 */
public final class LocalDynamoDb {
  /** The region every test function is configured with. */
  public static final String REGION = "eu-central-1";

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static String endpoint;
  private static DynamoDbClient client;

  private LocalDynamoDb() {}

  /** The endpoint URL, starting the server on first use. */
  public static synchronized String endpoint() {
    if (endpoint == null) {
      int port = freePort();
      try {
        DynamoDBProxyServer server =
            ServerRunner.createServerFromCommandLineArgs(
                new String[] {
                  "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)
                });
        server.start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        server.stop();
                      } catch (Exception ignored) {
                        // the JVM is going away
                      }
                    }));
      } catch (Exception e) {
        throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
      }
      endpoint = "http://127.0.0.1:" + port;
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
   * Creates a fresh on-demand table with a string partition key, and TTL on {@code ttlAttribute}
   * when not null.
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
    if (ttlAttribute != null) {
      dynamoDb.updateTimeToLive(
          UpdateTimeToLiveRequest.builder()
              .tableName(name)
              .timeToLiveSpecification(
                  TimeToLiveSpecification.builder()
                      .attributeName(ttlAttribute)
                      .enabled(true)
                      .build())
              .build());
    }
    return name;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
