package dev.whereabouts.runner.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The relay that lets functions with local credentials reach real, signature-checking tables. */
class SigningRelayTest {
  private record Seen(String authorization, String target, String body) {}

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
          byte[] answer = "{\"TableNames\":[\"AuthTable\"]}".getBytes(StandardCharsets.UTF_8);
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

  @Test
  void aFunctionsCallArrivesSignedWithTheUsersCredentialsAndItsAnswerComesBack() throws Exception {
    URI target = URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
    try (SigningRelay relay =
            SigningRelay.start(
                target,
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDTHEUSER", "the-users-secret")),
                "eu-west-1");
        DynamoDbClient function = functionClient(relay.endpoint())) {
      assertEquals(List.of("AuthTable"), function.listTables().tableNames());
    }
    assertEquals(1, seen.size());
    Seen call = seen.get(0);
    assertTrue(
        call.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDTHEUSER/"),
        call.authorization());
    assertTrue(
        call.authorization().contains("/eu-west-1/dynamodb/aws4_request"), call.authorization());
    assertTrue(call.authorization().contains("SignedHeaders="), call.authorization());
    assertTrue(!call.authorization().contains("LOCALPROFILE"), "the function's key stays local");
    assertEquals("DynamoDB_20120810.ListTables", call.target());
    assertEquals("{}", call.body());
  }

  @Test
  void anUnreachableTargetIsAServerErrorTheSdkUnderstands() throws Exception {
    aws.stop(0);
    URI gone = URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
    try (SigningRelay relay =
            SigningRelay.start(
                gone,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
                "eu-west-1");
        DynamoDbClient function = functionClient(relay.endpoint())) {
      DynamoDbException e = assertThrows(DynamoDbException.class, function::listTables);
      assertEquals(500, e.statusCode());
    }
  }

  private static DynamoDbClient functionClient(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("LOCALPROFILE", "local-secret")))
        .overrideConfiguration(
            o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
