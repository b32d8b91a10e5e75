package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A token outlives neither its account's record nor a new registration of the same userId, through
 * the runner's gateway and authorizer (the record is deleted in the runner's own table, as an
 * operator or a data fix would).
 */
class AccountBoundTokensTest {
  private static final String PROFILE = "{\"displayName\":\"Old account\"}";

  private static void deleteUserRecord(String userId) {
    LocalRunner runner = SuiteUnderTest.localRunner();
    assertNotNull(runner, "this test needs the local runner: unset WHEREABOUTS_BASE_URL");
    try (DynamoDbClient dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(runner.dynamoDbEndpoint())
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      String table =
          dynamoDb.listTables().tableNames().stream()
              .filter(n -> n.toLowerCase().contains("auth"))
              .findFirst()
              .orElseThrow();
      dynamoDb.deleteItem(
          d -> d.tableName(table).key(Map.of("pk", AttributeValue.fromS("user#" + userId))));
    }
  }

  @Test
  void aTokenOfADeletedOrReRegisteredAccountIsRefused() {
    String user = Api.newUserId("bound");
    String old = "Bearer " + Api.registeredToken(user, "the first owner's password");
    assertEquals(201, Api.json("PUT", "/profiles/" + user, PROFILE, "Authorization", old).status());

    deleteUserRecord(user);
    Api.assertProblem(Api.json("PUT", "/profiles/" + user, PROFILE, "Authorization", old), 401);

    String fresh = "Bearer " + Api.registeredToken(user, "the second owner's password");
    Api.assertProblem(Api.json("PUT", "/profiles/" + user, PROFILE, "Authorization", old), 401);
    assertEquals(
        200, Api.json("PUT", "/profiles/" + user, PROFILE, "Authorization", fresh).status());
  }
}
