package dev.whereabouts.bench;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates the benchmark's tables in DynamoDB Local. Usage: {@code CreateTables ENDPOINT
 * TABLE=KEY...}. Run with any function jar on the classpath (it brings the SDK).
 */
public final class CreateTables {
  private CreateTables() {}

  /** A client for DynamoDB Local at {@code endpoint}, for the benchmark's own set-up. */
  static DynamoDbClient client(String endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.EU_CENTRAL_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public static void main(String[] args) {
    try (DynamoDbClient dynamoDb = client(args[0])) {
      for (int i = 1; i < args.length; i++) {
        String[] tableAndKey = args[i].split("=", 2);
        try {
          dynamoDb.createTable(
              t ->
                  t.tableName(tableAndKey[0])
                      .billingMode(BillingMode.PAY_PER_REQUEST)
                      .attributeDefinitions(
                          AttributeDefinition.builder()
                              .attributeName(tableAndKey[1])
                              .attributeType(ScalarAttributeType.S)
                              .build())
                      .keySchema(k -> k.attributeName(tableAndKey[1]).keyType(KeyType.HASH)));
        } catch (ResourceInUseException exists) {
          // a previous run made it
        }
      }
    }
  }
}
