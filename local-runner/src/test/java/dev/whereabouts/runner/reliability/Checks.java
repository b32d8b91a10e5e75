package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.Api;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/** What every answer must satisfy, and how a case that awaits issue 12 is run. */
final class Checks {
  private static final Pattern INTERNALS =
      Pattern.compile(
          "Exception|\\tat |dev\\.whereabouts|software\\.amazon|com\\.fasterxml|java\\.lang"
              + "|ConditionalCheckFailed|ResourceNotFound|ValidationException|dynalite");

  private Checks() {}

  /**
   * Asserts the common rules of API.md on one answer of the expected status: a problem+json with
   * the request id for errors, the request and correlation ids on successes, no internals.
   */
  static Api.Reply answer(Api.Reply reply, int status) {
    String body = reply.raw().body();
    assertFalse(INTERNALS.matcher(body).find(), "internals in " + body);
    if (status >= 400) {
      Api.assertProblem(reply, status);
    } else {
      assertEquals(status, reply.status(), body);
      String requestId = reply.header("X-Request-Id");
      assertNotNull(requestId, "a function's answer carries X-Request-Id");
      assertNotNull(reply.header("X-Correlation-Id"), "X-Correlation-Id is echoed");
      if (!body.isEmpty()) {
        assertTrue(
            reply.header("Content-Type").startsWith("application/json"),
            "Content-Type " + reply.header("Content-Type"));
      }
    }
    if (World.isLocal()) {
      String amzn = reply.header("x-amzn-RequestId");
      assertNotNull(amzn, "the local runner sets x-amzn-RequestId on every answer");
      if (reply.header("X-Request-Id") != null) {
        assertEquals(amzn, reply.header("X-Request-Id"), "one request, one id");
      }
    }
    return reply;
  }

  /** A named case as a dynamic test. */
  static DynamicTest named(String name, Executable check) {
    return DynamicTest.dynamicTest(name, check);
  }
}
