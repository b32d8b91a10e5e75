package dev.whereabouts.bench;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Stores one profile for the GET benchmark. Usage: {@code SeedProfile ENDPOINT TABLE USER_ID}. */
public final class SeedProfile {
  private SeedProfile() {}

  public static void main(String[] args) {
    try (DynamoDbClient dynamoDb = CreateTables.client(args[0])) {
      dynamoDb.putItem(
          p ->
              p.tableName(args[1])
                  .item(
                      Map.of(
                          "userId", AttributeValue.fromS(args[2]),
                          "displayName", AttributeValue.fromS("Bench"),
                          "createdAt", AttributeValue.fromS("2026-11-23T10:15:30.123Z"),
                          "updatedAt", AttributeValue.fromS("2026-11-23T10:15:30.123Z"),
                          "version", AttributeValue.fromN("1"))));
    }
  }
}
