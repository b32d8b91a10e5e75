package dev.whereabouts.shared.problem;

import java.time.Duration;
import java.util.Map;

/**
 * An RFC 9457 problem: the one way a request fails on purpose.
 *
 * <p>Thrown from anywhere below a handler and turned into {@code application/problem+json} in
 * exactly one place ({@code shared.http.HttpFunction}). It carries no stack trace: it is an answer,
 * not a bug.
 */
public final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Problem type URIs share this prefix; the slug names the kind of problem. */
  public static final String TYPE_PREFIX = "https://whereabouts.dev/problems/";

  private final int status;
  private final String type;
  private final String title;
  private final String detail;
  private final Map<String, String> headers;

  private Problem(
      int status, String slug, String title, String detail, Map<String, String> headers) {
    super(title + ": " + detail, null, false, false);
    this.status = status;
    this.type = TYPE_PREFIX + slug;
    this.title = title;
    this.detail = detail;
    this.headers = Map.copyOf(headers);
  }

  /** 400: the request is malformed; {@code detail} names the offending field. */
  public static Problem badRequest(String detail) {
    return new Problem(400, "invalid-request", "Invalid request", detail, Map.of());
  }

  /** 401: no valid credentials. */
  public static Problem unauthorized(String detail) {
    return new Problem(
        401, "unauthorized", "Unauthorized", detail, Map.of("WWW-Authenticate", "Bearer"));
  }

  /** 403: authenticated, but not allowed to act on this resource. */
  public static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", "Forbidden", detail, Map.of());
  }

  /** 403 for an unknown route, worded as API Gateway words it. */
  public static Problem missingAuthenticationToken() {
    return new Problem(
        403,
        "missing-authentication-token",
        "Missing Authentication Token",
        "No route matches this method and path, or the route requires a signed request.",
        Map.of());
  }

  /** 404: no such item. */
  public static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail, Map.of());
  }

  /** 409: the item exists already. */
  public static Problem conflict(String detail) {
    return new Problem(409, "conflict", "Conflict", detail, Map.of());
  }

  /** 412: {@code If-Match} did not match the stored version. */
  public static Problem preconditionFailed(String detail) {
    return new Problem(412, "precondition-failed", "Precondition failed", detail, Map.of());
  }

  /** 413: the body is larger than the API accepts. */
  public static Problem payloadTooLarge(String detail) {
    return new Problem(413, "payload-too-large", "Payload too large", detail, Map.of());
  }

  /** 415: the body is not {@code application/json} in UTF-8. */
  public static Problem unsupportedMediaType(String detail) {
    return new Problem(415, "unsupported-media-type", "Unsupported media type", detail, Map.of());
  }

  /** 429 with {@code Retry-After}. */
  public static Problem tooManyRequests(String detail, Duration retryAfter) {
    return new Problem(
        429, "too-many-requests", "Too many requests", detail, retryAfterHeader(retryAfter));
  }

  /** 503 with {@code Retry-After}: a dependency is overloaded; the client may retry. */
  public static Problem serviceUnavailable(String detail, Duration retryAfter) {
    return new Problem(
        503, "service-unavailable", "Service unavailable", detail, retryAfterHeader(retryAfter));
  }

  /** 500: a fault of ours. Says nothing about the cause; the log line does. */
  public static Problem internal() {
    return new Problem(
        500,
        "internal",
        "Internal server error",
        "The request could not be completed. Quote the requestId when reporting this.",
        Map.of());
  }

  private static Map<String, String> retryAfterHeader(Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return Map.of("Retry-After", Long.toString(seconds));
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  /** Extra response headers this problem needs ({@code Retry-After}, {@code WWW-Authenticate}). */
  public Map<String, String> headers() {
    return headers;
  }
}
