package dev.whereabouts.runner.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import dev.whereabouts.runner.gateway.Policy;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The relay that lets functions with local credentials reach real, signature-checking tables: it
 * signs a function's call with the user's credentials only when the function's role in the template
 * would allow it in AWS.
 */
class SigningRelayTest {
  private record Seen(String authorization, String target, String body) {}

  private static final String TABLE = "ProfileTable";
  private static final String ARN = "arn:aws:dynamodb:eu-west-1:000000000000:table/" + TABLE;

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private HttpServer aws;

  @BeforeEach
  void standInForDynamoDb() throws Exception {
    aws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    aws.createContext(
        "/",
        exchange -> {
          seen.add(
              new Seen(
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
          exchange.getResponseHeaders().set("x-amzn-RequestId", "REQ123");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    aws.start();
  }

  @AfterEach
  void stop() {
    aws.stop(0);
  }

  /** A tap whose upstream is the relay to the stand-in; one function, granted GetItem only. */
  private DynamoDbTap relayingTap(URI target) throws Exception {
    Policy getItemOnly =
        Policy.from(
            Map.of(
                "Statement",
                List.of(
                    Map.of(
                        "Effect",
                        "Allow",
                        "Action",
                        List.of("dynamodb:GetItem"),
                        "Resource",
                        ARN))));
    SigningRelay relay =
        new SigningRelay(
            target,
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDTHEUSER", "the-users-secret")),
            "eu-west-1",
            () ->
                new SigningRelay.Grants(
                    Map.of(TABLE, ARN),
                    key ->
                        key.equals("LOCALPROFILE") ? Optional.of(getItemOnly) : Optional.empty()));
    return new DynamoDbTap(
        relay,
        new MetricStore(Clock.systemUTC()),
        List.of(TABLE),
        "eu-west-1",
        key ->
            switch (key) {
              case "LOCALPROFILE" -> Optional.of("local-secret");
              case "LOCALOTHER" -> Optional.of("other-secret");
              default -> Optional.empty();
            },
        line -> {});
  }

  private URI target() {
    return URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
  }

  @Test
  void aGrantedCallOfAFunctionArrivesSignedWithTheUsersCredentials() throws Exception {
    try (DynamoDbTap tap = relayingTap(target());
        DynamoDbClient function = client(tap.endpoint(), "LOCALPROFILE", "local-secret")) {
      function.getItem(r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("a"))));
    }
    assertEquals(1, seen.size());
    Seen call = seen.get(0);
    assertTrue(
        call.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDTHEUSER/"),
        call.authorization());
    assertTrue(
        call.authorization().contains("/eu-west-1/dynamodb/aws4_request"), call.authorization());
    assertFalse(call.authorization().contains("LOCALPROFILE"), "the function's key stays local");
    assertEquals("DynamoDB_20120810.GetItem", call.target());
  }

  @Test
  void whatTheFunctionsRoleDoesNotGrantIsNeverSigned() throws Exception {
    try (DynamoDbTap tap = relayingTap(target());
        DynamoDbClient function = client(tap.endpoint(), "LOCALPROFILE", "local-secret");
        DynamoDbClient other = client(tap.endpoint(), "LOCALOTHER", "other-secret")) {
      DynamoDbException deleteTable =
          assertThrows(
              DynamoDbException.class, () -> function.deleteTable(r -> r.tableName(TABLE)));
      assertEquals(403, deleteTable.statusCode());
      DynamoDbException deleteItem =
          assertThrows(
              DynamoDbException.class,
              () ->
                  function.deleteItem(
                      r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("a")))));
      assertEquals(403, deleteItem.statusCode());
      DynamoDbException foreignTable =
          assertThrows(
              DynamoDbException.class,
              () ->
                  function.getItem(
                      r -> r.tableName("prod-users").key(Map.of("id", AttributeValue.fromS("a")))));
      assertEquals(403, foreignTable.statusCode());
      DynamoDbException ungranted =
          assertThrows(
              DynamoDbException.class,
              () ->
                  other.getItem(
                      r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("a")))));
      assertEquals(403, ungranted.statusCode());
      DynamoDbException stranger =
          assertThrows(
              DynamoDbException.class,
              () -> {
                try (DynamoDbClient c = client(tap.endpoint(), "AKIDSOMEONE", "whatever")) {
                  c.getItem(r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("a"))));
                }
              });
      assertEquals(403, stranger.statusCode());
    }
    assertEquals(List.of(), seen, "nothing was signed and sent");
  }

  @Test
  void theReviewsDeleteTableFromAnyLocalProgramIsRefusedUnsigned() throws Exception {
    try (DynamoDbTap tap = relayingTap(target());
        Socket socket = new Socket("127.0.0.1", tap.endpoint().getPort())) {
      String body = "{\"TableName\":\"prod-users\"}";
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: attacker.example\r\nOrigin: https://evil.example\r\n"
                  + "X-Amz-Target: DynamoDB_20120810.DeleteTable\r\n"
                  + "Content-Type: application/x-amz-json-1.0\r\nContent-Length: "
                  + body.length()
                  + "\r\nConnection: close\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
    }
    assertEquals(List.of(), seen, "nothing was signed and sent");
  }

  @Test
  void anUnreachableTargetIsAServerErrorTheSdkUnderstands() throws Exception {
    aws.stop(0);
    try (DynamoDbTap tap = relayingTap(target());
        DynamoDbClient function = client(tap.endpoint(), "LOCALPROFILE", "local-secret")) {
      DynamoDbException e =
          assertThrows(
              DynamoDbException.class,
              () ->
                  function.getItem(
                      r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("a")))));
      assertEquals(500, e.statusCode());
    }
  }

  private static DynamoDbClient client(URI endpoint, String key, String secret) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
        .overrideConfiguration(
            o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
