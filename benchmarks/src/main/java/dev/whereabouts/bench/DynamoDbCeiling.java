package dev.whereabouts.bench;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How many {@code GetItem}s DynamoDB Local answers per second on this machine, with the clients
 * configured as the functions configure theirs (SDK v2, URLConnection client). It bounds what the
 * local runner can reach: every {@code GET /profiles/{userId}} costs two of them (the profile and,
 * inside the location service, the location).
 *
 * <p>Usage: {@code DynamoDbCeiling ENDPOINT TABLE KEY CLIENTS SECONDS [WARMUP_SECONDS]}; the item
 * {@code KEY=bench-seed} must exist (SeedProfile writes it).
 */
public final class DynamoDbCeiling {
  private DynamoDbCeiling() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: DynamoDbCeiling ENDPOINT TABLE KEY CLIENTS SECONDS [WARMUP]");
      System.exit(2);
    }
    URI endpoint = URI.create(args[0]);
    String table = args[1];
    String key = args[2];
    int clients = Integer.parseInt(args[3]);
    long seconds = Long.parseLong(args[4]);
    long warmup = args.length > 5 ? Long.parseLong(args[5]) : 10;
    try (DynamoDbClient dynamo =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      Map<String, AttributeValue> itemKey = Map.of(key, AttributeValue.fromS("bench-seed"));
      if (!dynamo.getItem(g -> g.tableName(table).key(itemKey)).hasItem()) {
        System.err.println("no item " + key + "=bench-seed in " + table);
        System.exit(1);
      }
      ClosedLoop.Call read = () -> dynamo.getItem(g -> g.tableName(table).key(itemKey)).hasItem();
      ClosedLoop.run(read, clients, warmup * 1000);
      ClosedLoop.Result r = ClosedLoop.run(read, clients, seconds * 1000);
      System.out.printf(
          "GetItem clients=%d seconds=%.1f requests=%d errors=%d throughput=%.0f/s p50=%.2fms"
              + " p99=%.2fms%n",
          clients,
          r.seconds(),
          r.latencies().length,
          r.errors(),
          r.throughput(),
          r.ms(0.50),
          r.ms(0.99));
    }
  }
}
