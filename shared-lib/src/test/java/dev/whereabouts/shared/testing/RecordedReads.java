package dev.whereabouts.shared.testing;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.store.Aws;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * Every {@code GetItem} a client sent to the local engine, as the SDK was about to send it: the
 * client is real and the engine answers; the interceptor only watches (counts reads, and shows the
 * {@code ConsistentRead} flag that went out).
 */
public final class RecordedReads implements ExecutionInterceptor {
  private final List<GetItemRequest> reads = new CopyOnWriteArrayList<>();
  private final DynamoDbClient client;
  private final Runnable beforeEachRead;

  public RecordedReads() {
    this(() -> {});
  }

  /**
   * @param beforeEachRead runs on the reading thread before each read is sent (to hold reads in
   *     flight while a test lines up concurrent requests)
   */
  public RecordedReads(Runnable beforeEachRead) {
    this.beforeEachRead = beforeEachRead;
    Environment env = Environment.of(LocalDynamoDb.environment(Map.of()));
    this.client =
        DynamoDbClient.builder()
            .region(Aws.region(env))
            .credentialsProvider(Aws.credentials(env))
            .httpClient(Aws.httpClient())
            .endpointOverride(URI.create(LocalDynamoDb.endpoint()))
            .overrideConfiguration(c -> c.addExecutionInterceptor(this))
            .build();
  }

  /** A client to the local engine whose reads this records. */
  public DynamoDbClient client() {
    return client;
  }

  /** The reads sent so far, oldest first. */
  public List<GetItemRequest> reads() {
    return List.copyOf(reads);
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    if (context.request() instanceof GetItemRequest read) {
      reads.add(read);
      beforeEachRead.run();
    }
  }
}
