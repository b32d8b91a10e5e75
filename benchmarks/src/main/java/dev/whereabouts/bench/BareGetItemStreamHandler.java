package dev.whereabouts.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** {@link BareGetItemHandler} as a stream handler: reads and writes the event JSON with Jackson. */
public final class BareGetItemStreamHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final DynamoDbClient dynamoDb = BareClients.dynamoDb();
  private final String table = System.getenv("TABLE_NAME");

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = JSON.readTree(input);
    String userId = event.path("pathParameters").path("userId").asText();
    GetItemResponse item =
        dynamoDb.getItem(
            r -> r.tableName(table).key(Map.of("userId", AttributeValue.fromS(userId))));
    try (JsonGenerator g = JSON.getFactory().createGenerator(output)) {
      g.writeStartObject();
      g.writeNumberField("statusCode", item.hasItem() ? 200 : 404);
      g.writeObjectFieldStart("headers");
      g.writeStringField("Content-Type", "application/json");
      g.writeEndObject();
      g.writeStringField("body", BareClients.body(item));
      g.writeEndObject();
    }
  }
}
