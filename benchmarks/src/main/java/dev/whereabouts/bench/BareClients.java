package dev.whereabouts.bench;

import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** The reference handlers' client, configured as a careful Lambda developer would. */
final class BareClients {
  private BareClients() {}

  /**
   * Region and credentials from Lambda's variables; the endpoint from AWS_ENDPOINT_URL_DYNAMODB.
   */
  static DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder()
        .region(Region.of(System.getenv("AWS_REGION")))
        .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** The item's string attributes as a small JSON object (names and values are plain text). */
  static String body(GetItemResponse item) {
    StringBuilder json = new StringBuilder("{");
    item.item()
        .forEach(
            (name, value) -> {
              if (value.s() != null) {
                json.append(json.length() > 1 ? "," : "")
                    .append('"')
                    .append(name)
                    .append("\":\"")
                    .append(value.s())
                    .append('"');
              }
            });
    return json.append('}').toString();
  }
}
