package dev.whereabouts.shared.snapstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.store.Aws;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

class LocalAnswersTest {
  private static final Environment NOWHERE =
      Environment.of(
          Map.of(
              "AWS_REGION", "eu-central-1",
              "AWS_ACCESS_KEY_ID", "priming",
              "AWS_SECRET_ACCESS_KEY", "priming",
              // a port nothing listens on: a call that left the process would fail
              "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9"));

  @Test
  void aReadAndAWriteAreAnsweredInsideTheProcess() {
    String item = "{\"id\":{\"S\":\"a\"},\"version\":{\"N\":\"1\"}}";
    DynamoDbClient dynamoDb =
        Aws.dynamoDbForSnapshot(
            NOWHERE, new LocalAnswers("{\"Item\":" + item + ",\"Attributes\":" + item + "}"));
    Map<String, AttributeValue> expected =
        Map.of("id", AttributeValue.fromS("a"), "version", AttributeValue.fromN("1"));

    assertEquals(
        expected,
        dynamoDb.getItem(g -> g.tableName("t").key(Map.of("id", expected.get("id")))).item());
    assertEquals(
        expected,
        dynamoDb
            .updateItem(
                u ->
                    u.tableName("t")
                        .key(Map.of("id", expected.get("id")))
                        .updateExpression("SET #v = :v")
                        .expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1")))
                        .returnValues(ReturnValue.ALL_NEW))
            .attributes());
  }
}
