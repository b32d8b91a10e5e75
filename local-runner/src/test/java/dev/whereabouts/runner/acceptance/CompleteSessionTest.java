package dev.whereabouts.runner.acceptance;

import static dev.whereabouts.runner.acceptance.Api.assertProblem;
import static dev.whereabouts.runner.acceptance.Api.json;
import static dev.whereabouts.runner.acceptance.Api.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The session API.md walks through, over real HTTP. */
class CompleteSessionTest {
  @Test
  void aClientRegistersLogsInPublishesAProfileWithALocationAndRevokesItsToken() {
    String user = Api.newUserId("michael");
    String credentials = "{\"userId\":\"" + user + "\",\"password\":\"correct horse battery\"}";

    Api.Reply registered = json("POST", "/auth/users", credentials);
    assertEquals(201, registered.status(), registered.raw().body());
    assertEquals(user, registered.json().get("userId").asText());
    assertTrue(registered.json().get("createdAt").asText().endsWith("Z"));

    Api.Reply login = json("POST", "/auth/tokens", credentials);
    assertEquals(201, login.status(), login.raw().body());
    assertEquals("Bearer", login.json().get("tokenType").asText());
    assertEquals(3600, login.json().get("expiresIn").asInt());
    String token = login.json().get("accessToken").asText();
    assertTrue(token.matches("^[A-Za-z0-9_-]{43,}$"), "opaque base64url token");
    String bearer = "Bearer " + token;

    Api.Reply profile =
        json(
            "PUT",
            "/profiles/" + user,
            "{\"displayName\":\"Michael\",\"bio\":\"AWS in Action\"}",
            "Authorization",
            bearer);
    assertEquals(201, profile.status(), profile.raw().body());
    assertEquals("\"1\"", profile.header("ETag"));

    Api.Reply location =
        json(
            "PUT",
            "/locations/" + user,
            "{\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\"}",
            "Authorization",
            bearer);
    assertEquals(200, location.status(), location.raw().body());

    // The profile function asks the location function within an 800 ms budget; on a loaded
    // machine a read can outrun it and correctly degrade to "unavailable". That is allowed (and
    // asserted) for a few reads, each warming the path further; the stored location must then
    // come through.
    Api.Reply publicProfile = send("GET", "/profiles/" + user, null);
    for (int read = 1;
        read < 5 && "unavailable".equals(publicProfile.json().path("locationStatus").asText());
        read++) {
      assertEquals(200, publicProfile.status(), publicProfile.raw().body());
      assertTrue(publicProfile.json().get("location").isNull(), publicProfile.raw().body());
      publicProfile = send("GET", "/profiles/" + user, null);
    }
    assertEquals(200, publicProfile.status(), publicProfile.raw().body());
    JsonNode body = publicProfile.json();
    assertEquals("Michael", body.get("displayName").asText());
    assertEquals("ok", body.get("locationStatus").asText());
    assertEquals(48.137, body.at("/location/latitude").asDouble());
    assertEquals("Munich", body.at("/location/name").asText());
    assertTrue(publicProfile.header("ETag").startsWith("W/\""), "only a weak ETag");

    assertEquals(
        204, send("DELETE", "/auth/tokens/current", null, "Authorization", bearer).status());
    assertProblem(
        json("PUT", "/profiles/" + user, "{\"displayName\":\"Mallory\"}", "Authorization", bearer),
        401);
  }

  @Test
  void aProfileWhoseLocationWasDeletedSaysNone() {
    String user = Api.newUserId("nolocation");
    String bearer = "Bearer " + Api.registeredToken(user, "correct horse battery");
    json("PUT", "/profiles/" + user, "{\"displayName\":\"N\"}", "Authorization", bearer);
    // Storing and deleting a location also means the location service has answered before the
    // profile asks it: a cold location service may take longer than the profile's 800 ms
    // budget, and the profile would rightly answer "unavailable".
    assertEquals(
        200,
        json(
                "PUT",
                "/locations/" + user,
                "{\"latitude\":1,\"longitude\":2}",
                "Authorization",
                bearer)
            .status());
    assertEquals(204, send("DELETE", "/locations/" + user, null, "Authorization", bearer).status());
    Api.Reply reply = send("GET", "/profiles/" + user, null);
    assertEquals(200, reply.status());
    assertEquals("none", reply.json().get("locationStatus").asText());
    assertTrue(reply.json().get("location").isNull());
  }
}
