package dev.whereabouts.runner.acceptance;

import static dev.whereabouts.runner.acceptance.Api.assertProblem;
import static dev.whereabouts.runner.acceptance.Api.json;
import static dev.whereabouts.runner.acceptance.Api.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API.md's error rows over real HTTP: every one a problem+json with a request id. */
class ErrorRowsTest {
  private static String user;
  private static String bearer;

  @BeforeAll
  static void user() {
    user = Api.newUserId("errors");
    bearer = "Bearer " + Api.registeredToken(user, "correct horse battery");
  }

  @Test
  void registrationRefusesBadInput() {
    assertProblem(
        json(
            "POST",
            "/auth/users",
            "{\"userId\":\"No Way\",\"password\":\"correct horse battery\"}"),
        400);
    assertProblem(
        json(
            "POST",
            "/auth/users",
            "{\"userId\":\"" + Api.newUserId("s") + "\",\"password\":\"short\"}"),
        400);
    assertProblem(
        json(
            "POST",
            "/auth/users",
            "{\"userId\":\"" + user + "\",\"password\":\"correct horse battery\"}"),
        409);
    assertProblem(
        json(
            "POST",
            "/auth/users",
            "{\"userId\":\""
                + Api.newUserId("u")
                + "\",\"password\":\"correct horse battery\",\"admin\":true}"),
        400);
    assertProblem(json("POST", "/auth/users", "{\"userId\":"), 400);
  }

  @Test
  void wrongPasswordAndUnknownUserLookAlike() {
    Api.Reply wrong =
        json(
            "POST",
            "/auth/tokens",
            "{\"userId\":\"" + user + "\",\"password\":\"wrong password!\"}");
    Api.Reply unknown =
        json(
            "POST",
            "/auth/tokens",
            "{\"userId\":\"" + Api.newUserId("ghost") + "\",\"password\":\"wrong password!\"}");
    assertEquals(
        assertProblem(wrong, 401).get("detail"), assertProblem(unknown, 401).get("detail"));
  }

  @Test
  void bodiesOver16KiBAre413AndOtherMediaTypes415() {
    // Valid in every other way (the gateway's model passes it): only its size is wrong.
    String big = "{\"displayName\":\"x\"" + " ".repeat(17 * 1024) + "}";
    assertProblem(json("PUT", "/profiles/" + user, big, "Authorization", bearer), 413);
    assertProblem(
        send(
            "PUT",
            "/profiles/" + user,
            "{\"displayName\":\"x\"}",
            "Content-Type",
            "text/plain",
            "Authorization",
            bearer),
        415);
  }

  @Test
  void anonymousCallersAre401AndOtherUsers403() {
    assertProblem(json("PUT", "/profiles/" + user, "{\"displayName\":\"x\"}"), 401);
    assertProblem(
        json(
            "PUT",
            "/profiles/" + user,
            "{\"displayName\":\"x\"}",
            "Authorization",
            "Bearer not-a-token"),
        401);
    String other = Api.newUserId("other");
    assertProblem(
        json("PUT", "/profiles/" + other, "{\"displayName\":\"x\"}", "Authorization", bearer), 403);
    assertProblem(send("DELETE", "/locations/" + other, null, "Authorization", bearer), 403);
  }

  @Test
  void unknownRoutesAndUnsignedPrivateReadsAre403() {
    assertProblem(send("GET", "/nothing/here", null), 403);
    assertProblem(send("PATCH", "/profiles/" + user, null), 403);
    assertProblem(send("GET", "/locations/" + user, null), 403);
  }

  @Test
  void missingProfilesAre404AndBadIdsAre400() {
    assertProblem(send("GET", "/profiles/" + Api.newUserId("nobody"), null), 404);
    assertProblem(send("GET", "/profiles/X", null), 400);
  }

  @Test
  void aStaleIfMatchIs412() {
    json("PUT", "/profiles/" + user, "{\"displayName\":\"one\"}", "Authorization", bearer);
    Api.Reply current =
        json("PUT", "/profiles/" + user, "{\"displayName\":\"two\"}", "Authorization", bearer);
    long version = current.json().get("version").asLong();
    assertProblem(
        json(
            "PUT",
            "/profiles/" + user,
            "{\"displayName\":\"three\"}",
            "Authorization",
            bearer,
            "If-Match",
            "\"" + (version - 1) + "\""),
        412);
    assertEquals(
        200,
        json(
                "PUT",
                "/profiles/" + user,
                "{\"displayName\":\"three\"}",
                "Authorization",
                bearer,
                "If-Match",
                "\"" + version + "\"")
            .status());
  }

  @Test
  void correlationIdsAreKeptWhenWellFormedAndReplacedOtherwise() {
    Api.Reply kept =
        send("GET", "/profiles/" + Api.newUserId("c"), null, "X-Correlation-Id", "trace.me_1");
    assertEquals("trace.me_1", kept.header("X-Correlation-Id"));
    Api.Reply replaced =
        send(
            "GET",
            "/profiles/" + Api.newUserId("c"),
            null,
            "X-Correlation-Id",
            "no spaces allowed");
    assertNotEquals("no spaces allowed", replaced.header("X-Correlation-Id"));
    assertTrue(replaced.header("X-Correlation-Id").matches("^[A-Za-z0-9._-]{1,64}$"));
  }
}
