package dev.whereabouts.runner.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The runner's own access to the DynamoDB engine: creating the template's tables, and deleting
 * expired items from the tables that declare a TTL attribute, as DynamoDB's background TTL does
 * (the local engine has none).
 */
public final class Tables implements AutoCloseable {
  private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration ACTIVE_POLL = Duration.ofMillis(20);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final DynamoDbClient client;
  private final Clock clock;

  /** The runner's client for {@code endpoint}; local engines accept any credentials. */
  public Tables(URI endpoint, String region, Clock clock) {
    this(
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("runner", "runner")))
            .httpClient(httpClient(endpoint))
            .build(),
        clock);
  }

  /**
   * The SDK's URLConnection client; for a plain-HTTP endpoint (the runner's engine, an emulator)
   * one that opens its connections itself, because the default one builds a TLS context with the
   * JDK's trust store first — about 0.4 s of the start-up's critical path (docs/performance.md,
   * issue 21) for a connection that never speaks TLS.
   */
  static SdkHttpClient httpClient(URI endpoint) {
    if (!"http".equalsIgnoreCase(endpoint.getScheme())) {
      return UrlConnectionHttpClient.create();
    }
    return UrlConnectionHttpClient.create(
        uri -> {
          try {
            HttpURLConnection c =
                (HttpURLConnection) uri.toURL().openConnection(java.net.Proxy.NO_PROXY);
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            c.setReadTimeout((int) READ_TIMEOUT.toMillis());
            return c;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * Loads the SDK's client and request path (about a second of class loading in a fresh JVM), so
   * that this can happen while the runner does other start-up work: one call to a closed port,
   * refused at once, without retries.
   */
  public static void loadClasses() {
    URI discard = URI.create("http://127.0.0.1:9");
    try (DynamoDbClient client =
        DynamoDbClient.builder()
            .endpointOverride(discard)
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("runner", "runner")))
            .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
            .httpClient(httpClient(discard))
            .build()) {
      client.describeTable(d -> d.tableName("class-loading"));
    } catch (RuntimeException expected) {
      // nothing listens on the discard port: the classes are loaded all the same
    }
  }

  /** With a client of the caller's (an endpoint that needs real credentials). */
  public Tables(DynamoDbClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Creates a table unless it exists already (a kept data directory, or an engine the user runs).
   *
   * @return whether it was created now
   */
  public boolean createIfMissing(TableSpec table) {
    try {
      client.createTable(
          t ->
              t.tableName(table.name())
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      a ->
                          a.attributeName(table.hashKey())
                              .attributeType(ScalarAttributeType.fromValue(table.hashKeyType())))
                  .keySchema(k -> k.attributeName(table.hashKey()).keyType(KeyType.HASH)));
    } catch (ResourceInUseException exists) {
      awaitActive(table.name());
      return false;
    }
    awaitActive(table.name());
    return true;
  }

  /**
   * Waits until a table is ACTIVE, as a DynamoDB client must before using it: engines answer
   * CreateTable while the table is still CREATING (real tables take seconds, dynalite a tick).
   */
  private void awaitActive(String name) {
    Instant deadline = clock.instant().plus(ACTIVE_TIMEOUT);
    while (client.describeTable(d -> d.tableName(name)).table().tableStatus()
        != TableStatus.ACTIVE) {
      if (clock.instant().isAfter(deadline)) {
        throw new IllegalStateException(
            "table " + name + " is not ACTIVE after " + ACTIVE_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(ACTIVE_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + name, e);
      }
    }
  }

  /** Turns on DynamoDB's own TTL for {@code table} (real DynamoDB deletes expired items itself). */
  public void enableTtl(TableSpec table) {
    client.updateTimeToLive(
        u ->
            u.tableName(table.name())
                .timeToLiveSpecification(
                    s -> s.attributeName(table.ttlAttribute().orElseThrow()).enabled(true)));
  }

  /**
   * Deletes the items of {@code table} whose TTL attribute (epoch seconds) lies in the past. Each
   * delete is conditional on the item still being expired, so an item a function renewed between
   * the scan and the delete stays.
   *
   * @return how many items were deleted
   */
  public int deleteExpired(TableSpec table) {
    String ttl = table.ttlAttribute().orElseThrow();
    String now = Long.toString(clock.instant().getEpochSecond());
    int deleted = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page =
          client.scan(
              s ->
                  s.tableName(table.name())
                      .filterExpression("#ttl < :now")
                      .projectionExpression("#key")
                      .expressionAttributeNames(Map.of("#ttl", ttl, "#key", table.hashKey()))
                      .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(now)))
                      .exclusiveStartKey(from));
      for (Map<String, AttributeValue> key : page.items()) {
        try {
          client.deleteItem(
              d ->
                  d.tableName(table.name())
                      .key(key)
                      .conditionExpression("#ttl < :now")
                      .expressionAttributeNames(Map.of("#ttl", ttl))
                      .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(now))));
          deleted++;
        } catch (ConditionalCheckFailedException renewed) {
          // written again since the scan: no longer expired
        }
      }
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return deleted;
  }

  @Override
  public void close() {
    client.close();
  }
}
