package dev.whereabouts.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.store.Aws;
import dev.whereabouts.shared.telemetry.Telemetry;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.LogLines;
import dev.whereabouts.shared.testing.SecretScan;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

@ExtendWith(SecretScan.class)
class DependencyFailureTest {
  private static final String BODY = "{\"latitude\":1,\"longitude\":2}";
  private static final String CORRELATION_ID = "dependency-failure-1";

  /** What {@code action} printed; every line must carry the request's correlation id. */
  private static String everyLineCorrelated(LogLines.Action action) throws Exception {
    List<JsonNode> lines = LogLines.of(action);
    for (JsonNode line : lines) {
      assertEquals(CORRELATION_ID, line.path("correlationId").asText(), line.toString());
    }
    return lines.toString();
  }

  private static APIGatewayProxyResponseEvent put(LocationHandler handler) {
    return StreamInvocations.call(
        handler,
        ApiEvents.request("PUT", "/locations/{userId}", "/locations/olga")
            .pathParameter("userId", "olga")
            .caller("olga")
            .header("X-Correlation-Id", CORRELATION_ID)
            .json(BODY)
            .build());
  }

  @Test
  void anUnreachableDatabaseIs503WithRetryAfterNotA500() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env =
        LocalDynamoDb.environment(
            Map.of(
                "TABLE_NAME",
                "locations",
                "AWS_ENDPOINT_URL_DYNAMODB",
                "http://127.0.0.1:" + closedPort));
    LocationHandler handler =
        new LocationHandler(
            new Locations(Aws.dynamoDb(Environment.of(env)), "locations"),
            Clock.systemUTC(),
            Telemetry.from(Environment.of(Map.of())));
    AtomicReference<APIGatewayProxyResponseEvent> answer = new AtomicReference<>();
    String printed = everyLineCorrelated(() -> answer.set(put(handler)));
    assertTrue(printed.contains("dependency unreachable"), printed);
    APIGatewayProxyResponseEvent response = answer.get();
    assertEquals(503, response.getStatusCode());
    assertEquals("1", response.getHeaders().get("Retry-After"));
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    assertFalse(response.getBody().contains("Exception"));
  }

  @Test
  void aThrottledTableIs503WithRetryAfter() throws Exception {
    // DynamoDB Local never throttles, so this failure needs a stand-in client.
    DynamoDbClient throttled = mock(DynamoDbClient.class);
    when(throttled.updateItem(any(UpdateItemRequest.class)))
        .thenThrow(
            ProvisionedThroughputExceededException.builder()
                .message(
                    "The level of configured provisioned throughput for the table was exceeded.")
                .statusCode(400)
                .awsErrorDetails(
                    software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .build())
                .build());
    LocationHandler handler =
        new LocationHandler(
            new Locations(throttled, "locations"),
            Clock.systemUTC(),
            Telemetry.from(Environment.of(Map.of())));
    AtomicReference<APIGatewayProxyResponseEvent> answer = new AtomicReference<>();
    String printed = everyLineCorrelated(() -> answer.set(put(handler)));
    assertTrue(printed.contains("dependency throttled"), printed);
    APIGatewayProxyResponseEvent response = answer.get();
    assertEquals(503, response.getStatusCode());
    assertEquals("1", response.getHeaders().get("Retry-After"));
    assertFalse(response.getBody().contains("provisioned throughput"));
  }
}
