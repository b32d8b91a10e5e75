package dev.whereabouts.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The reference a Java-on-Lambda cold start is compared with: one {@code GetItem} behind API
 * Gateway, written the usual way (the runtime's event classes and serializer, SDK v2 with the
 * URLConnection client, built once at init). Reads {@code TABLE_NAME} by {@code userId}.
 */
public final class BareGetItemHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
  private final DynamoDbClient dynamoDb = BareClients.dynamoDb();
  private final String table = System.getenv("TABLE_NAME");

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    String userId = event.getPathParameters().get("userId");
    GetItemResponse item =
        dynamoDb.getItem(
            r -> r.tableName(table).key(Map.of("userId", AttributeValue.fromS(userId))));
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(item.hasItem() ? 200 : 404)
        .withHeaders(Map.of("Content-Type", "application/json"))
        .withBody(BareClients.body(item));
  }
}
