package dev.whereabouts.runner.acceptance;

import static dev.whereabouts.runner.acceptance.Api.assertProblem;
import static dev.whereabouts.runner.acceptance.Api.json;
import static dev.whereabouts.runner.acceptance.Api.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API.md's security rows over real HTTP: tokens bound to accounts and "sign out everywhere", strict
 * UTF-8 and charsets, control characters, the exact body limit, code-point limits beyond the Basic
 * Multilingual Plane, and a request id on every answer.
 */
class SecurityRowsTest {
  private static final String PASSWORD = "correct horse battery";
  private static String user;
  private static String bearer;

  @BeforeAll
  static void user() {
    user = Api.newUserId("sec");
    bearer = "Bearer " + Api.registeredToken(user, PASSWORD);
  }

  private static String path() {
    return "/profiles/" + user;
  }

  /** Raw bytes as a PUT of the user's profile, with the given Content-Type. */
  private static RawHttp.Answer putBytes(String contentType, byte[] body) {
    String host = URI.create(SuiteUnderTest.baseUrl()).getAuthority();
    String prefix = URI.create(SuiteUnderTest.baseUrl()).getPath();
    return RawHttp.send(
        "PUT "
            + prefix
            + path()
            + " HTTP/1.1\nHost: "
            + host
            + "\nAuthorization: "
            + bearer
            + "\nContent-Type: "
            + contentType,
        body);
  }

  @Test
  void signingOutEverywhereEndsEveryTokenOfTheCaller() {
    String who = Api.newUserId("everywhere");
    String first = "Bearer " + Api.registeredToken(who, PASSWORD);
    Api.Reply second = json("POST", "/auth/tokens", credentials(who));
    assertEquals(201, second.status());
    String other = "Bearer " + second.json().get("accessToken").asText();
    String profile = "{\"displayName\":\"E\"}";
    assertEquals(201, json("PUT", "/profiles/" + who, profile, "Authorization", first).status());

    assertEquals(204, send("DELETE", "/auth/tokens", null, "Authorization", first).status());

    assertProblem(json("PUT", "/profiles/" + who, profile, "Authorization", first), 401);
    assertProblem(json("PUT", "/profiles/" + who, profile, "Authorization", other), 401);
    assertProblem(send("DELETE", "/auth/tokens", null, "Authorization", other), 401);
    Api.Reply again = json("POST", "/auth/tokens", credentials(who));
    assertEquals(201, again.status());
    String fresh = "Bearer " + again.json().get("accessToken").asText();
    assertEquals(200, json("PUT", "/profiles/" + who, profile, "Authorization", fresh).status());
  }

  private static String credentials(String userId) {
    return "{\"userId\":\"" + userId + "\",\"password\":\"" + PASSWORD + "\"}";
  }

  @Test
  void signingOutEverywhereNeedsABearerToken() {
    assertProblem(send("DELETE", "/auth/tokens", null), 401);
  }

  @Test
  void aBodyThatIsNotUtf8Is400() {
    byte[] overlongSlash =
        HexFormat.of()
            .parseHex("7b22646973706c61794e616d65223a22c0af227d"); // {"displayName":"\xC0\xAF"}
    RawHttp.Answer answer = putBytes("application/json", overlongSlash);
    assertEquals(400, answer.status(), answer.text());
    assertEquals("application/problem+json", answer.header("Content-Type"));
  }

  @Test
  void aUtf16BodyIs400WithOrWithoutAByteOrderMark() {
    String body = "{\"displayName\":\"U\"}";
    for (var charset :
        new java.nio.charset.Charset[] {StandardCharsets.UTF_16, StandardCharsets.UTF_16LE}) {
      RawHttp.Answer answer = putBytes("application/json", body.getBytes(charset));
      assertEquals(400, answer.status(), charset + ": " + answer.text());
    }
  }

  @Test
  void twoCharsetsOrAnotherCharsetAre415() {
    byte[] body = "{\"displayName\":\"C\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(415, putBytes("application/json; charset=utf-8; charset=latin1", body).status());
    assertEquals(415, putBytes("application/json; charset=utf-16", body).status());
    assertEquals(201, putBytesFresh("application/json; charset=utf-8", body));
  }

  private static int putBytesFresh(String contentType, byte[] body) {
    int status = putBytes(contentType, body).status();
    send("DELETE", path(), null, "Authorization", bearer);
    return status;
  }

  @Test
  void aNulOrAnEscapeInATextFieldIs400AndLineFeedsAreKeptInTheBio() {
    assertProblem(
        json("PUT", path(), "{\"displayName\":\"A\\u0000B\"}", "Authorization", bearer), 400);
    assertProblem(
        json("PUT", path(), "{\"displayName\":\"\\u001b[2J\"}", "Authorization", bearer), 400);
    assertProblem(
        json("PUT", path(), "{\"displayName\":\"A\",\"bio\":\"x\\ry\"}", "Authorization", bearer),
        400);
    Api.Reply kept =
        json(
            "PUT",
            path(),
            "{\"displayName\":\"A\",\"bio\":\"one\\n\\ttwo\"}",
            "Authorization",
            bearer);
    assertEquals("one\n\ttwo", kept.json().get("bio").asText(), kept.raw().body());
    send("DELETE", path(), null, "Authorization", bearer);
  }

  /** A profile body of exactly {@code size} bytes: JSON padded with spaces. */
  private static byte[] profileOfBytes(int size) {
    String start = "{\"displayName\":\"Sixteen K\"";
    return (start + " ".repeat(size - start.length() - 1) + "}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBodyOfExactly16KiBIsAcceptedAndOneByteMoreIs413() {
    byte[] exact = profileOfBytes(16_384);
    assertEquals(16_384, exact.length);
    assertEquals(201, putBytesFresh("application/json", exact));
    byte[] over = profileOfBytes(16_385);
    RawHttp.Answer answer = putBytes("application/json", over);
    assertEquals(413, answer.status(), answer.text());
  }

  @Test
  void codePointLimitsCountAstralCharactersOnce() {
    String sixtyFour = "𝄞".repeat(64);
    Api.Reply ok =
        json("PUT", path(), "{\"displayName\":\"" + sixtyFour + "\"}", "Authorization", bearer);
    assertEquals(201, ok.status(), ok.raw().body());
    assertEquals(sixtyFour, ok.json().get("displayName").asText());
    assertProblem(
        json("PUT", path(), "{\"displayName\":\"" + sixtyFour + "𝄞\"}", "Authorization", bearer),
        400);
    send("DELETE", path(), null, "Authorization", bearer);
  }

  @Test
  void everyAnswerCarriesARequestIdTheGatewaysOwnToo() {
    assertNotNull(send("GET", "/profiles/nobody-" + user, null).header("x-amzn-RequestId"));
    assertNotNull(send("GET", "/no/such/route", null).header("x-amzn-RequestId"));
    assertNotNull(send("DELETE", "/auth/tokens", null).header("x-amzn-RequestId"));
    assertNotNull(
        json("PUT", path(), "{\"displayName\":\"R\"}", "Authorization", bearer)
            .header("x-amzn-RequestId"));
    send("DELETE", path(), null, "Authorization", bearer);
  }
}
