package dev.whereabouts.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.testing.ApiEvents;
import dev.whereabouts.shared.testing.StreamInvocations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The common body rules of {@link Request#jsonBody()} on what API Gateway delivers. */
class RequestBodyTest {
  /** A JSON object of exactly {@code size} bytes in UTF-8. */
  private static String objectOfBytes(int size) {
    String frame = "{\"a\":\"\"}";
    return "{\"a\":\"" + "x".repeat(size - frame.length()) + "\"}";
  }

  private static Request request(APIGatewayProxyRequestEvent event) {
    return Request.from(
        StreamInvocations.proxyEvent(event),
        Invocation.of(SyntheticContext.of("test")),
        new Metrics("t", Optional.empty()),
        new Log("test", "test", Log.Output.STANDARD, Log.Level.INFO));
  }

  private static APIGatewayProxyRequestEvent base64(byte[] bytes) {
    APIGatewayProxyRequestEvent event =
        ApiEvents.request("PUT", "/x", "/x")
            .json(Base64.getEncoder().encodeToString(bytes))
            .build();
    event.setIsBase64Encoded(true);
    return event;
  }

  @Test
  void aBodyOfExactly16384BytesIsRead() {
    String body = objectOfBytes(Request.MAX_BODY_BYTES);
    assertEquals(16_384, body.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(
        16_384 - 8,
        request(ApiEvents.request("PUT", "/x", "/x").json(body).build())
            .jsonBody()
            .text("a")
            .length());
  }

  private static int statusOf(String body) {
    try {
      request(ApiEvents.request("PUT", "/x", "/x").json(body).build()).jsonBody();
      return 200;
    } catch (Problem p) {
      return p.status();
    }
  }

  @Test
  void aBodyOf16385BytesIs413() {
    String body = objectOfBytes(Request.MAX_BODY_BYTES + 1);
    assertEquals(16_385, body.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(413, statusOf(body));
  }

  @Test
  void theLimitCountsBytesNotCharacters() {
    // 5,461 three-byte characters: 16,391 bytes with the frame, but fewer than 5,500 characters.
    assertEquals(413, statusOf("{\"a\":\"" + "€".repeat(5461) + "\"}"));
  }

  @Test
  void aBase64BodyThatIsNotUtf8Is400() {
    // What API Gateway sends for a body that is not UTF-8 text: base64 of the exact bytes.
    byte[] overlongSlash = HexFormat.of().parseHex("7b2261223a22c0af227d");
    Problem p = assertThrows(Problem.class, () -> request(base64(overlongSlash)).jsonBody());
    assertEquals(400, p.status());
  }

  @Test
  void aBodyMarkedBase64ThatIsNotBase64Is400NotReadAsText() {
    APIGatewayProxyRequestEvent event = ApiEvents.request("PUT", "/x", "/x").json("{}").build();
    event.setIsBase64Encoded(true);
    assertEquals(400, assertThrows(Problem.class, () -> request(event).jsonBody()).status());
  }

  @Test
  void aTextBodyWithALoneSurrogateIs400NotAQuestionMark() {
    String loneSurrogate = "{\"a\":\"x\uD800y\"}";
    Problem p =
        assertThrows(
            Problem.class,
            () ->
                request(ApiEvents.request("PUT", "/x", "/x").json(loneSurrogate).build())
                    .jsonBody());
    assertEquals(400, p.status());
  }

  @Test
  void aTwoCharsetContentTypeIs415() {
    APIGatewayProxyRequestEvent event =
        ApiEvents.request("PUT", "/x", "/x")
            .body("{}")
            .header("Content-Type", "application/json; charset=utf-8; charset=latin1")
            .build();
    assertEquals(415, assertThrows(Problem.class, () -> request(event).jsonBody()).status());
  }

  @Test
  void theAuthorizersCorrelationIdIsUsedWhenTheClientSentNone() {
    APIGatewayProxyRequestEvent event = ApiEvents.request("GET", "/x", "/x").caller("anna").build();
    event.getRequestContext().getAuthorizer().put("correlationId", "made-up-by-authorizer");
    assertEquals("made-up-by-authorizer", request(event).correlationId());
  }

  @Test
  void theClientsSourceIpComesFromTheRequestContext() {
    assertEquals("203.0.113.17", request(ApiEvents.request("GET", "/x", "/x").build()).sourceIp());
  }
}
