package dev.whereabouts.shared.http;

import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import dev.whereabouts.shared.problem.Problem;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.validation.Fields;
import dev.whereabouts.shared.validation.Utf8;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request envelope: what a route needs from an API Gateway proxy event, and nothing of its
 * types. Also the place where the API's common request rules live (body size, media type,
 * correlation id, caller, {@code If-Match}).
 */
public final class Request {
  /** Bodies above this many bytes are refused with 413. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private static final Pattern IF_MATCH = Pattern.compile("^\"([1-9][0-9]{0,17})\"$");

  private final String method;
  private final String resource;
  private final Map<String, String> pathParameters;
  private final Map<String, String> headers;
  private final byte[] body;
  private final String requestId;
  private final String correlationId;
  private final Optional<String> caller;
  private final String apiId;
  private final String stage;
  private final String sourceIp;
  private final Metrics metrics;
  private final Log log;
  private final Optional<String> traceHeader;
  private final Deadline deadline;

  private Request(
      String method,
      String resource,
      Map<String, String> pathParameters,
      Map<String, String> headers,
      byte[] body,
      String requestId,
      String correlationId,
      Optional<String> caller,
      String apiId,
      String stage,
      String sourceIp,
      Metrics metrics,
      Log log,
      Optional<String> traceHeader,
      Deadline deadline) {
    this.method = method;
    this.resource = resource;
    this.pathParameters = pathParameters;
    this.headers = headers;
    this.body = body;
    this.requestId = requestId;
    this.correlationId = correlationId;
    this.caller = caller;
    this.apiId = apiId;
    this.stage = stage;
    this.sourceIp = sourceIp;
    this.metrics = metrics;
    this.log = log;
    this.traceHeader = traceHeader;
    this.deadline = deadline;
  }

  /**
   * Reads the envelope of a REST API proxy event. Never throws for anything a client sends.
   *
   * @param invocation the Lambda invocation serving it: its trace header and deadline
   * @param metrics this request's metrics
   * @param log this request's log (its lines carry the invocation's trace id)
   */
  public static Request from(ProxyEvent event, Invocation invocation, Metrics metrics, Log log) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(event.headers());
    String requestId = event.requestId() != null ? event.requestId() : UUID.randomUUID().toString();
    // The client's when well-formed; else the one the authorizer made up for this request (it runs
    // first and logs it), so every line of one request carries the same id.
    String correlationId =
        CorrelationId.valid(headers.get("X-Correlation-Id"))
            .or(() -> CorrelationId.valid(event.authorizer().get("correlationId")))
            .orElseGet(CorrelationId::fresh);
    return new Request(
        nonNull(event.httpMethod()).toUpperCase(Locale.ROOT),
        nonNull(event.resource()),
        Map.copyOf(event.pathParameters()),
        headers,
        bodyBytes(event),
        requestId,
        correlationId,
        caller(event.authorizer()),
        nonNull(event.apiId()),
        nonNull(event.stage()),
        nonNull(event.sourceIp()),
        metrics,
        log,
        invocation.traceHeader(),
        invocation.deadline());
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  private static byte[] bodyBytes(ProxyEvent event) {
    String body = event.body();
    if (body == null) {
      return new byte[0];
    }
    if (event.base64Encoded()) {
      // API Gateway sends a body that is not UTF-8 text as base64: these are the client's exact
      // bytes, decoded strictly later. A body that is not base64 at all is no body we can trust.
      try {
        return Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    // A text body holding a lone surrogate (an event can carry one as a JSON escape) has no UTF-8
    // form; getBytes would turn it into '?' silently.
    try {
      ByteBuffer bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(body));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Optional<String> caller(Map<String, String> authorizer) {
    String userId = authorizer.get("userId");
    if (userId == null) {
      userId = authorizer.get("principalId");
    }
    return userId != null && !userId.isEmpty() ? Optional.of(userId) : Optional.empty();
  }

  /** {@code "PUT /locations/{userId}"}: the method and the API Gateway resource. */
  public String routeKey() {
    return method + " " + resource;
  }

  public String method() {
    return method;
  }

  /** The API Gateway request id, echoed as {@code X-Request-Id}. */
  public String requestId() {
    return requestId;
  }

  /** The client's correlation id if well-formed, else a fresh one. */
  public String correlationId() {
    return correlationId;
  }

  /** The user the authorizer vouched for, if any. */
  public Optional<String> caller() {
    return caller;
  }

  /** The REST API's id, from the request context (empty outside API Gateway). */
  public String apiId() {
    return apiId;
  }

  /** The API Gateway stage, from the request context. */
  public String stage() {
    return stage;
  }

  /** The client's address as API Gateway saw it (request context), for logs; may be empty. */
  public String sourceIp() {
    return sourceIp;
  }

  /** When Lambda ends the invocation serving this request. */
  public Deadline deadline() {
    return deadline;
  }

  /** The invocation's X-Ray header, to pass on downstream, if it has one. */
  public Optional<String> traceHeader() {
    return traceHeader;
  }

  /** This request's log: its lines carry the invocation's trace id. */
  public Log log() {
    return log;
  }

  /** The metrics of this request: counts and timings flushed as one EMF line at the end. */
  public Metrics metrics() {
    return metrics;
  }

  /** A header, by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /**
   * The authenticated caller.
   *
   * @throws Problem 401 when the request carries no authorizer context
   */
  public String authenticatedCaller() {
    return caller.orElseThrow(() -> Problem.unauthorized("A bearer token is required."));
  }

  /**
   * The checks of an owner's write to the {@code userId} resource, in the order openapi.yaml gives
   * them (the first that fails answers): a caller (401), a well-formed path user id (400), the body
   * as {@code parseBody} reads it ({@link #jsonBody}'s 413, 415 and 400, then the body's own 400),
   * the caller being the owner (403), a well-formed {@code If-Match} (400).
   */
  public <T> OwnerWrite<T> ownerWrite(Function<JsonObject, T> parseBody) {
    String caller = authenticatedCaller();
    String userId = pathUserId();
    T body = parseBody.apply(jsonBody());
    String owner = requireOwner(caller, userId);
    return new OwnerWrite<>(owner, body, precondition());
  }

  /** The checks of {@link #ownerWrite} for a write without a body ({@code DELETE}), same order. */
  public OwnerDelete ownerDelete() {
    String caller = authenticatedCaller();
    String userId = pathUserId();
    String owner = requireOwner(caller, userId);
    return new OwnerDelete(owner, precondition());
  }

  /** An owner's write that passed its checks: whose resource, the body read, its precondition. */
  public record OwnerWrite<T>(String owner, T body, Precondition precondition) {}

  /** An owner's delete that passed its checks: whose resource, its precondition. */
  public record OwnerDelete(String owner, Precondition precondition) {}

  /** 403 unless {@code caller} is {@code owner}. */
  private static String requireOwner(String caller, String owner) {
    if (!caller.equals(owner)) {
      throw Problem.forbidden("Only '" + owner + "' may change this resource.");
    }
    return owner;
  }

  /**
   * The {@code userId} path parameter.
   *
   * @throws Problem 400 when it breaks the user id rule
   */
  public String pathUserId() {
    return Fields.userId("userId", pathParameters.get("userId"));
  }

  /**
   * The body as one JSON object, after the API's common body rules: readable (400), at most {@link
   * #MAX_BODY_BYTES} (413), {@code application/json} with no charset but utf-8 (415, {@link
   * JsonMediaType}), well-formed UTF-8 decoded strictly before parsing (400, {@link Utf8}),
   * well-formed JSON (400).
   */
  public JsonObject jsonBody() {
    if (body == null) {
      throw Problem.badRequest("The request body is not well-formed UTF-8 (or not valid base64).");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw Problem.payloadTooLarge(
          "The request body has "
              + body.length
              + " bytes; at most "
              + MAX_BODY_BYTES
              + " are accepted.");
    }
    JsonMediaType.require(headers.get("Content-Type"));
    return Json.parseObject(Utf8.decodeBody(body));
  }

  /**
   * The {@code If-Match} precondition: none, {@code *}, or one quoted version.
   *
   * @throws Problem 400 when the header is present but not of those forms
   */
  public Precondition precondition() {
    String value = headers.get("If-Match");
    if (value == null) {
      return Precondition.none();
    }
    String trimmed = value.trim();
    if (trimmed.equals("*")) {
      return Precondition.exists();
    }
    Matcher m = IF_MATCH.matcher(trimmed);
    if (!m.matches()) {
      throw Problem.badRequest(
          "'If-Match' must be a quoted version such as \"3\" (as sent in ETag) or *.");
    }
    return Precondition.version(Long.parseLong(m.group(1)));
  }
}
