package dev.whereabouts.runner.reliability;

import static dev.whereabouts.runner.reliability.World.json;
import static dev.whereabouts.runner.reliability.World.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.Api;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * API.md as one table: each row a request (with whatever requests it needs first), the status it
 * must get and what else its answer must show. Every answer also passes {@link Checks#answer}. Rows
 * marked local need the local runner (a token made to have expired, a signature with a function's
 * credentials); everything else runs against a deployed stage as well.
 */
final class ContractCases {
  /** One row. */
  record Case(
      String name,
      int status,
      boolean localOnly,
      Supplier<Api.Reply> request,
      Consumer<Api.Reply> then) {}

  private final List<Case> cases = new ArrayList<>();
  private final World.User owner;
  private final String bearer;
  private final String other;

  private ContractCases(World.User owner, World.User otherUser) {
    this.owner = owner;
    this.bearer = owner.bearer();
    this.other = otherUser.bearer();
  }

  private void row(String name, int status, Supplier<Api.Reply> request) {
    cases.add(new Case(name, status, false, request, r -> {}));
  }

  private void row(String name, int status, Supplier<Api.Reply> request, Consumer<Api.Reply> then) {
    cases.add(new Case(name, status, false, request, then));
  }

  private void local(String name, int status, Supplier<Api.Reply> request) {
    cases.add(new Case(name, status, true, request, r -> {}));
  }

  private static String ids(String prefix) {
    return Api.newUserId(prefix);
  }

  private static String loc(double lat, double lon) {
    return "{\"latitude\":" + lat + ",\"longitude\":" + lon + "}";
  }

  /** The table; users are registered as it is built. */
  static List<Case> table() {
    ContractCases t = new ContractCases(World.register("owner"), World.register("other"));
    t.auth();
    t.locations();
    t.profiles();
    t.common();
    return t.cases;
  }

  private void auth() {
    row(
        "POST /auth/users is 201 with userId and createdAt",
        201,
        () -> json("POST", "/auth/users", World.credentials(ids("reg"), Transcript.password())),
        r -> {
          assertTrue(r.json().get("userId").asText().startsWith("reg-"));
          assertTrue(r.json().get("createdAt").asText().endsWith("Z"));
        });
    row(
        "POST /auth/users with charset=utf-8 is 201",
        201,
        () ->
            send(
                "POST",
                "/auth/users",
                World.credentials(ids("cs"), Transcript.password()),
                "Content-Type",
                "application/json; charset=utf-8"));
    row(
        "POST /auth/users with a bad userId is 400",
        400,
        () -> json("POST", "/auth/users", World.credentials("No Way", Transcript.password())));
    row(
        "POST /auth/users with a password of 9 characters is 400",
        400,
        () -> json("POST", "/auth/users", World.credentials(ids("pw"), "123456789")));
    row(
        "POST /auth/users with a password of 129 characters is 400",
        400,
        () -> json("POST", "/auth/users", World.credentials(ids("pw"), "p".repeat(129))));
    row(
        "POST /auth/users with an unknown property is 400",
        400,
        () ->
            json(
                "POST",
                "/auth/users",
                "{\"userId\":\""
                    + ids("u")
                    + "\",\"password\":\"Pw-x-long-enough\",\"admin\":true}"));
    row(
        "POST /auth/users without a password is 400",
        400,
        () -> json("POST", "/auth/users", "{\"userId\":\"" + ids("u") + "\"}"));
    row(
        "POST /auth/users with a number for userId is 400",
        400,
        () -> json("POST", "/auth/users", "{\"userId\":12345,\"password\":\"long enough pw\"}"));
    row(
        "POST /auth/users with malformed JSON is 400",
        400,
        () -> json("POST", "/auth/users", "{\"userId\":"));
    row(
        "POST /auth/users with a taken userId is 409",
        409,
        () -> json("POST", "/auth/users", World.credentials(owner.id(), Transcript.password())));
    row(
        "POST /auth/users over 16 KiB is 413",
        413,
        () ->
            json(
                "POST",
                "/auth/users",
                "{\"userId\":\""
                    + ids("big")
                    + "\",\"password\":\"long enough pw\""
                    + " ".repeat(17 * 1024)
                    + "}"));
    row(
        "POST /auth/users as text/plain is 415",
        415,
        () ->
            send(
                "POST",
                "/auth/users",
                World.credentials(ids("tp"), Transcript.password()),
                "Content-Type",
                "text/plain"));
    row(
        "POST /auth/users with charset=iso-8859-1 is 415",
        415,
        () ->
            send(
                "POST",
                "/auth/users",
                World.credentials(ids("cs"), Transcript.password()),
                "Content-Type",
                "application/json; charset=iso-8859-1"));
    row(
        "POST /auth/users with two charset parameters is 415",
        415,
        () ->
            send(
                "POST",
                "/auth/users",
                World.credentials(ids("cs"), Transcript.password()),
                "Content-Type",
                "application/json; charset=utf-8; charset=utf-8"));
    row(
        "POST /auth/users with a UTF-16 body is 400",
        400,
        () ->
            Transcript.response(
                Raw.send(
                    "POST",
                    "/auth/users",
                    utf16(World.credentials(ids("u16"), Transcript.password())),
                    "Content-Type",
                    "application/json")));
    row(
        "POST /auth/users with an overlong UTF-8 form is 400",
        400,
        () ->
            Transcript.response(
                Raw.send(
                    "POST",
                    "/auth/users",
                    concat(
                        ("{\"userId\":\"" + ids("ovl") + "\",\"password\":\"long enough ")
                            .getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xC0, (byte) 0xAF},
                        "\"}".getBytes(StandardCharsets.UTF_8)),
                    "Content-Type",
                    "application/json")));

    row(
        "POST /auth/tokens is 201 with a Bearer token for an hour",
        201,
        () -> json("POST", "/auth/tokens", World.credentials(owner.id(), owner.password())),
        r -> {
          assertEquals("Bearer", r.json().get("tokenType").asText());
          assertEquals(3600, r.json().get("expiresIn").asInt());
          assertTrue(r.json().get("accessToken").asText().matches("[A-Za-z0-9_-]{43,}"));
          assertTrue(r.json().get("expiresAt").asText().endsWith("Z"));
        });
    row(
        "POST /auth/tokens with a wrong password is 401, like an unknown user",
        401,
        () -> {
          World.User u = World.register("wrong");
          Api.Reply unknown =
              json("POST", "/auth/tokens", World.credentials(ids("ghost"), "wrong password!"));
          Api.Reply wrong =
              json("POST", "/auth/tokens", World.credentials(u.id(), "wrong password!"));
          Checks.answer(unknown, 401);
          assertEquals(unknown.json().get("detail"), wrong.json().get("detail"));
          assertEquals(unknown.json().get("title"), wrong.json().get("title"));
          return wrong;
        });
    row(
        "POST /auth/tokens with a password of 129 characters is 400 and not a counted failure",
        201,
        () -> {
          World.User u = World.register("long");
          for (int i = 0; i < 5; i++) {
            Checks.answer(
                json("POST", "/auth/tokens", World.credentials(u.id(), "p".repeat(129))), 400);
          }
          return json("POST", "/auth/tokens", World.credentials(u.id(), u.password()));
        });
    row(
        "POST /auth/tokens after 5 failures is 429 with Retry-After, even with the right password",
        429,
        () -> {
          World.User u = World.register("lock");
          for (int i = 0; i < 5; i++) {
            Checks.answer(
                json("POST", "/auth/tokens", World.credentials(u.id(), "wrong password!")), 401);
          }
          return json("POST", "/auth/tokens", World.credentials(u.id(), u.password()));
        },
        r -> assertTrue(Long.parseLong(r.header("Retry-After")) > 0, "Retry-After"));
    row(
        "POST /auth/tokens for an unknown user is 429 after 5 failures too",
        429,
        () -> {
          String ghost = ids("ghost");
          for (int i = 0; i < 5; i++) {
            Checks.answer(
                json("POST", "/auth/tokens", World.credentials(ghost, "wrong password!")), 401);
          }
          return json("POST", "/auth/tokens", World.credentials(ghost, "wrong password!"));
        },
        r -> assertNotNull(r.header("Retry-After")));
    row(
        "DELETE /auth/tokens/current is 204 and the token is refused at once",
        401,
        () -> {
          String token = owner.bearer();
          Checks.answer(send("DELETE", "/auth/tokens/current", null, "Authorization", token), 204);
          return json(
              "PUT", "/profiles/" + owner.id(), "{\"displayName\":\"x\"}", "Authorization", token);
        });
    row(
        "DELETE /auth/tokens/current without a token is 401",
        401,
        () -> send("DELETE", "/auth/tokens/current", null));
    row(
        "DELETE /auth/tokens revokes every token of the caller",
        401,
        () -> {
          World.User u = World.register("everywhere");
          String first = u.bearer();
          String second = u.bearer();
          Checks.answer(send("DELETE", "/auth/tokens", null, "Authorization", first), 204);
          return json(
              "PUT", "/profiles/" + u.id(), "{\"displayName\":\"x\"}", "Authorization", second);
        });
    local(
        "an expired token is 401",
        401,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"x\"}",
                "Authorization",
                "Bearer " + World.expiredToken(owner.id())));
    local(
        "a token of a deleted and re-registered account is 401",
        401,
        () -> {
          World.User u = World.register("phoenix");
          String old = u.bearer();
          World.deleteAccount(u.id());
          Checks.answer(
              json("POST", "/auth/users", World.credentials(u.id(), Transcript.password())), 201);
          return json(
              "PUT", "/profiles/" + u.id(), "{\"displayName\":\"x\"}", "Authorization", old);
        });
  }

  private void locations() {
    row(
        "PUT /locations is 200 with version 1 and ETag \"1\", then 2",
        200,
        () -> {
          World.User u = World.register("loc");
          String b = u.bearer();
          Api.Reply first =
              json(
                  "PUT",
                  "/locations/" + u.id(),
                  "{\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\"}",
                  "Authorization",
                  b);
          Checks.answer(first, 200);
          assertEquals(1, first.json().get("version").asInt());
          assertEquals("\"1\"", first.header("ETag"));
          assertEquals("Munich", first.json().get("name").asText());
          return json("PUT", "/locations/" + u.id(), loc(1, 2), "Authorization", b);
        },
        r -> {
          assertEquals(2, r.json().get("version").asInt());
          assertEquals("\"2\"", r.header("ETag"));
          assertTrue(r.json().get("name").isNull(), "an omitted name is null");
        });
    row(
        "PUT /locations with a matching If-Match is 200",
        200,
        () -> {
          Api.Reply first =
              json("PUT", "/locations/" + owner.id(), loc(3, 4), "Authorization", bearer);
          return json(
              "PUT",
              "/locations/" + owner.id(),
              loc(5, 6),
              "Authorization",
              bearer,
              "If-Match",
              first.header("ETag"));
        });
    row(
        "PUT /locations with a stale If-Match is 412 and writes nothing",
        412,
        () -> {
          Api.Reply first =
              json("PUT", "/locations/" + owner.id(), loc(7, 8), "Authorization", bearer);
          long v = first.json().get("version").asLong();
          Api.Reply stale =
              json(
                  "PUT",
                  "/locations/" + owner.id(),
                  loc(9, 9),
                  "Authorization",
                  bearer,
                  "If-Match",
                  "\"" + (v - 1) + "\"");
          Api.Reply again =
              json("PUT", "/locations/" + owner.id(), loc(7, 8), "Authorization", bearer);
          assertEquals(
              v + 1, again.json().get("version").asLong(), "the refused write wrote nothing");
          return stale;
        });
    row(
        "PUT /locations with If-Match on a missing item is 412",
        412,
        () -> {
          World.User u = World.register("ifm");
          return json(
              "PUT",
              "/locations/" + u.id(),
              loc(1, 1),
              "Authorization",
              u.bearer(),
              "If-Match",
              "\"1\"");
        });
    row(
        "PUT /locations after DELETE starts again at version 1",
        200,
        () -> {
          json("PUT", "/locations/" + owner.id(), loc(1, 1), "Authorization", bearer);
          Checks.answer(
              send("DELETE", "/locations/" + owner.id(), null, "Authorization", bearer), 204);
          return json("PUT", "/locations/" + owner.id(), loc(1, 1), "Authorization", bearer);
        },
        r -> assertEquals(1, r.json().get("version").asInt()));
    row(
        "PUT /locations with name null is 200 and stores no name",
        200,
        () ->
            json(
                "PUT",
                "/locations/" + owner.id(),
                "{\"latitude\":1,\"longitude\":2,\"name\":null}",
                "Authorization",
                bearer),
        r -> assertTrue(r.json().get("name").isNull()));
    for (String[] bad :
        new String[][] {
          {"latitude 91", "{\"latitude\":91,\"longitude\":0}"},
          {"longitude -180.5", "{\"latitude\":0,\"longitude\":-180.5}"},
          {"an empty name", "{\"latitude\":0,\"longitude\":0,\"name\":\"\"}"},
          {
            "a name of 101 characters",
            "{\"latitude\":0,\"longitude\":0,\"name\":\"" + "n".repeat(101) + "\"}"
          },
          {"latitude as a string", "{\"latitude\":\"1\",\"longitude\":0}"},
          {"no longitude", "{\"latitude\":1}"},
          {"an unknown property", "{\"latitude\":1,\"longitude\":1,\"altitude\":3}"},
        }) {
      row(
          "PUT /locations with " + bad[0] + " is 400",
          400,
          () -> json("PUT", "/locations/" + owner.id(), bad[1], "Authorization", bearer));
    }
    row(
        "PUT /locations with a control character in name is 400",
        400,
        () ->
            json(
                "PUT",
                "/locations/" + owner.id(),
                "{\"latitude\":0,\"longitude\":0,\"name\":\"a\\u0007b\"}",
                "Authorization",
                bearer));
    row(
        "PUT /locations with a name of 100 astral characters is 200 (code points)",
        200,
        () ->
            json(
                "PUT",
                "/locations/" + owner.id(),
                "{\"latitude\":0,\"longitude\":0,\"name\":\"" + "\uD83C\uDF0D".repeat(100) + "\"}",
                "Authorization",
                bearer));
    row(
        "PUT /locations anonymous is 401",
        401,
        () -> json("PUT", "/locations/" + owner.id(), loc(1, 1)));
    row(
        "PUT /locations of another user is 403",
        403,
        () -> json("PUT", "/locations/" + owner.id(), loc(1, 1), "Authorization", other));
    row(
        "PUT /locations with a bad userId in the path is 400",
        400,
        () -> json("PUT", "/locations/No_Way", loc(1, 1), "Authorization", bearer));
    row(
        "PUT /locations over 16 KiB is 413",
        413,
        () ->
            json(
                "PUT",
                "/locations/" + owner.id(),
                "{\"latitude\":1,\"longitude\":1" + " ".repeat(17 * 1024) + "}",
                "Authorization",
                bearer));
    row(
        "PUT /locations as text/plain is 415",
        415,
        () ->
            send(
                "PUT",
                "/locations/" + owner.id(),
                loc(1, 1),
                "Content-Type",
                "text/plain",
                "Authorization",
                bearer));
    row(
        "GET /locations unsigned is 403",
        403,
        () -> send("GET", "/locations/" + owner.id(), null, "Authorization", bearer));
    local(
        "GET /locations signed by the profile function is 200",
        200,
        () -> {
          json("PUT", "/locations/" + owner.id(), loc(10, 20), "Authorization", bearer);
          return World.signed("ProfileFunction", "GET", "/locations/" + owner.id(), null, false);
        });
    local(
        "GET /locations of nobody signed by the profile function is 404",
        404,
        () -> World.signed("ProfileFunction", "GET", "/locations/" + ids("nobody"), null, false));
    local(
        "GET /locations signed with another function's keys is 403",
        403,
        () -> World.signed("LocationFunction", "GET", "/locations/" + owner.id(), null, false));
    local(
        "GET /locations with a tampered signature is 403",
        403,
        () -> World.signed("ProfileFunction", "GET", "/locations/" + owner.id(), null, true));
    row(
        "DELETE /locations is 204, also when nothing is stored",
        204,
        () -> {
          World.User u = World.register("dl");
          String b = u.bearer();
          Checks.answer(send("DELETE", "/locations/" + u.id(), null, "Authorization", b), 204);
          return send("DELETE", "/locations/" + u.id(), null, "Authorization", b);
        });
    row(
        "DELETE /locations anonymous is 401",
        401,
        () -> send("DELETE", "/locations/" + owner.id(), null));
    row(
        "DELETE /locations of another user is 403",
        403,
        () -> send("DELETE", "/locations/" + owner.id(), null, "Authorization", other));
  }

  private void profiles() {
    row(
        "PUT /profiles creates with 201 and ETag \"1\", updates with 200",
        200,
        () -> {
          World.User u = World.register("prof");
          String b = u.bearer();
          Api.Reply created =
              json(
                  "PUT",
                  "/profiles/" + u.id(),
                  "{\"displayName\":\"Michael\",\"bio\":\"AWS in Action\"}",
                  "Authorization",
                  b);
          Checks.answer(created, 201);
          assertEquals("\"1\"", created.header("ETag"));
          return json(
              "PUT",
              "/profiles/" + u.id(),
              "{\"displayName\":\"Michael\",\"bio\":null}",
              "Authorization",
              b);
        },
        r -> {
          assertEquals(2, r.json().get("version").asInt());
          assertEquals("\"2\"", r.header("ETag"));
          assertTrue(r.json().get("bio").isNull(), "PUT with null stores the bio as absent");
        });
    row(
        "GET /profiles is 200 with the location, a weak ETag and a public max-age",
        200,
        () -> {
          World.User u = World.register("read");
          String b = u.bearer();
          json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"R\"}", "Authorization", b);
          json(
              "PUT",
              "/locations/" + u.id(),
              "{\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\"}",
              "Authorization",
              b);
          return send("GET", "/profiles/" + u.id(), null);
        },
        r -> {
          assertTrue(r.header("ETag").matches("W/\"[0-9a-f]{16}\""), r.header("ETag"));
          assertEquals("public, max-age=6, stale-while-revalidate=1", r.header("Cache-Control"));
          assertEquals("ok", r.json().get("locationStatus").asText());
          assertEquals(48.137, r.json().get("location").get("latitude").asDouble());
          assertTrue(r.json().get("bio").isNull());
          assertEquals(1, r.json().get("version").asInt());
        });
    row(
        "GET /profiles without a location says locationStatus none",
        200,
        () -> {
          World.User u = World.register("noloc");
          json(
              "PUT", "/profiles/" + u.id(), "{\"displayName\":\"N\"}", "Authorization", u.bearer());
          return send("GET", "/profiles/" + u.id(), null);
        },
        r -> {
          assertEquals("none", r.json().get("locationStatus").asText());
          assertTrue(r.json().get("location").isNull());
        });
    row(
        "GET /profiles with its ETag in If-None-Match is 304 with no body",
        304,
        () -> {
          World.User u = World.register("etag");
          json(
              "PUT", "/profiles/" + u.id(), "{\"displayName\":\"E\"}", "Authorization", u.bearer());
          String etag = send("GET", "/profiles/" + u.id(), null).header("ETag");
          return send("GET", "/profiles/" + u.id(), null, "If-None-Match", etag);
        },
        r -> {
          assertTrue(r.header("ETag").startsWith("W/"), r.header("ETag"));
          assertEquals("public, max-age=6, stale-while-revalidate=1", r.header("Cache-Control"));
          assertTrue(r.raw().body().isEmpty(), "no body");
        });
    row(
        "GET /profiles of nobody is 404 and never stored",
        404,
        () -> send("GET", "/profiles/" + ids("nobody"), null),
        r -> assertEquals("no-store", r.header("Cache-Control")));
    row("GET /profiles with a bad userId is 400", 400, () -> send("GET", "/profiles/X", null));
    row(
        "GET /profiles with a userId of 33 characters is 400",
        400,
        () -> send("GET", "/profiles/" + "a".repeat(33), null));
    row(
        "PUT /profiles with a bio holding line feeds and tabs is 200",
        200,
        () -> {
          json(
              "PUT", "/profiles/" + owner.id(), "{\"displayName\":\"T\"}", "Authorization", bearer);
          return json(
              "PUT",
              "/profiles/" + owner.id(),
              "{\"displayName\":\"T\",\"bio\":\"a\\n\\tb\"}",
              "Authorization",
              bearer);
        },
        r -> assertEquals("a\n\tb", r.json().get("bio").asText()));
    row(
        "PUT /profiles with 64 astral characters is 200 (code points)",
        200,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"" + "\uD83D\uDE00".repeat(64) + "\"}",
                "Authorization",
                bearer));
    for (String[] bad :
        new String[][] {
          {"65 astral characters", "{\"displayName\":\"" + "\uD83D\uDE00".repeat(65) + "\"}"},
          {"an empty displayName", "{\"displayName\":\"\"}"},
          {
            "a bio of 501 characters", "{\"displayName\":\"x\",\"bio\":\"" + "b".repeat(501) + "\"}"
          },
          {"no displayName", "{\"bio\":\"x\"}"},
          {"displayName null", "{\"displayName\":null}"},
          {"an array body", "[]"},
          {"an unknown property", "{\"displayName\":\"x\",\"role\":\"admin\"}"},
        }) {
      row(
          "PUT /profiles with " + bad[0] + " is 400",
          400,
          () -> json("PUT", "/profiles/" + owner.id(), bad[1], "Authorization", bearer));
    }
    row(
        "PUT /profiles with a control character in displayName is 400",
        400,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"a\\u001bb\"}",
                "Authorization",
                bearer));
    row(
        "PUT /profiles with a stale If-Match is 412",
        412,
        () -> {
          Api.Reply current =
              json(
                  "PUT",
                  "/profiles/" + owner.id(),
                  "{\"displayName\":\"v\"}",
                  "Authorization",
                  bearer);
          long v = current.json().get("version").asLong();
          return json(
              "PUT",
              "/profiles/" + owner.id(),
              "{\"displayName\":\"w\"}",
              "Authorization",
              bearer,
              "If-Match",
              "\"" + (v + 5) + "\"");
        });
    row(
        "PUT /profiles with a malformed If-Match is 400",
        400,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"w\"}",
                "Authorization",
                bearer,
                "If-Match",
                "soon"));
    row(
        "PUT /profiles anonymous is 401",
        401,
        () -> json("PUT", "/profiles/" + owner.id(), "{\"displayName\":\"x\"}"));
    row(
        "PUT /profiles of another user is 403",
        403,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"x\"}",
                "Authorization",
                other));
    row(
        "PUT /profiles over 16 KiB is 413",
        413,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"x\"" + " ".repeat(17 * 1024) + "}",
                "Authorization",
                bearer));
    row(
        "PUT /profiles as application/xml is 415",
        415,
        () ->
            send(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"x\"}",
                "Content-Type",
                "application/xml",
                "Authorization",
                bearer));
    row(
        "DELETE /profiles is 204, GET is 404 after it, a new PUT is version 1",
        201,
        () -> {
          World.User u = World.register("del");
          String b = u.bearer();
          json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"D\"}", "Authorization", b);
          json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"D\"}", "Authorization", b);
          Checks.answer(send("DELETE", "/profiles/" + u.id(), null, "Authorization", b), 204);
          Checks.answer(send("DELETE", "/profiles/" + u.id(), null, "Authorization", b), 204);
          Checks.answer(send("GET", "/profiles/" + u.id(), null), 404);
          Checks.answer(
              json(
                  "PUT",
                  "/profiles/" + u.id(),
                  "{\"displayName\":\"D\"}",
                  "Authorization",
                  b,
                  "If-Match",
                  "\"2\""),
              412);
          return json("PUT", "/profiles/" + u.id(), "{\"displayName\":\"D\"}", "Authorization", b);
        },
        r -> assertEquals(1, r.json().get("version").asInt()));
    row(
        "DELETE /profiles anonymous is 401",
        401,
        () -> send("DELETE", "/profiles/" + owner.id(), null));
    row(
        "DELETE /profiles of another user is 403",
        403,
        () -> send("DELETE", "/profiles/" + owner.id(), null, "Authorization", other));
  }

  private void common() {
    row("an unknown path is 403", 403, () -> send("GET", "/nothing/here", null));
    row("an unknown method is 403", 403, () -> send("PATCH", "/profiles/" + owner.id(), null));
    row(
        "401 first: anonymous, another user's path, a bad body and text/plain",
        401,
        () ->
            send("PUT", "/locations/" + ids("x"), "{\"latitude\":", "Content-Type", "text/plain"));
    row(
        "401 first: a revoked token and a body over 16 KiB",
        401,
        () -> {
          String token = owner.bearer();
          send("DELETE", "/auth/tokens/current", null, "Authorization", token);
          return json(
              "PUT",
              "/profiles/" + owner.id(),
              "{" + " ".repeat(17 * 1024) + "}",
              "Authorization",
              token);
        });
    row(
        "the gateway's model (400) before the owner check (403)",
        400,
        () ->
            json("PUT", "/profiles/" + owner.id(), "{\"displayName\":5}", "Authorization", other));
    row(
        "the media type (415) before the owner check (403)",
        415,
        () ->
            send(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"x\"}",
                "Content-Type",
                "text/plain",
                "Authorization",
                other));
    row(
        "the path's userId (400) before the body size (413)",
        400,
        () ->
            json(
                "PUT",
                "/profiles/NO",
                "{\"displayName\":\"x\"" + " ".repeat(17 * 1024) + "}",
                "Authorization",
                bearer));
    row(
        "the owner check (403) before a stale If-Match (412)",
        403,
        () ->
            json(
                "PUT",
                "/profiles/" + owner.id(),
                "{\"displayName\":\"x\"}",
                "Authorization",
                other,
                "If-Match",
                "\"999\""));
    local(
        "a request with 250 header lines gets an answer, not a dropped connection",
        404,
        () -> {
          List<String> headers = new ArrayList<>();
          for (int i = 0; i < 250; i++) {
            headers.add("X-Repeat: " + i);
          }
          return Transcript.response(
              Raw.socket("GET", "/profiles/" + ids("many"), headers, new byte[0]));
        });
    row(
        "a well-formed X-Correlation-Id is echoed",
        404,
        () -> send("GET", "/profiles/" + ids("c"), null, "X-Correlation-Id", "trace.me_1"),
        r -> assertEquals("trace.me_1", r.header("X-Correlation-Id")));
    row(
        "a malformed X-Correlation-Id is replaced",
        404,
        () -> send("GET", "/profiles/" + ids("c"), null, "X-Correlation-Id", "no spaces allowed"),
        r -> {
          assertNotEquals("no spaces allowed", r.header("X-Correlation-Id"));
          assertTrue(r.header("X-Correlation-Id").matches("^[A-Za-z0-9._-]{1,64}$"));
        });
  }

  private static byte[] utf16(String s) {
    return s.getBytes(StandardCharsets.UTF_16);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
