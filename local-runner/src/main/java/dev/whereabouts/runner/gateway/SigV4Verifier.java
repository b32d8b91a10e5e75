package dev.whereabouts.runner.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 on requests to {@code AWS_IAM} routes, as API Gateway does:
 * algorithm {@code AWS4-HMAC-SHA256} in the {@code Authorization} header, service {@code
 * execute-api}, the configured region, at most {@link #MAX_SKEW} between the signature's time and
 * now, and a signature that matches the canonical request under the caller's secret key.
 */
public final class SigV4Verifier {
  /** How far a signature's time may be from now. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "^AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
              + "SignedHeaders=([a-z0-9;\\-]+),\\s*Signature=([0-9a-f]{64})$");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String region;
  private final String service;
  private final Function<String, Optional<String>> secretKeys;

  /**
   * @param region the region signatures must name
   * @param secretKeys access key id → secret access key of the identities the runner knows
   */
  public SigV4Verifier(String region, Function<String, Optional<String>> secretKeys) {
    this(region, "execute-api", secretKeys);
  }

  /**
   * @param service the service signatures must be scoped to ({@code dynamodb} for the tap)
   */
  public SigV4Verifier(
      String region, String service, Function<String, Optional<String>> secretKeys) {
    this.region = region;
    this.service = service;
    this.secretKeys = secretKeys;
  }

  /** A verified caller: the access key id that signed. */
  public record Verified(String accessKeyId) {}

  /** Why a request was refused (API Gateway answers these with 403). */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean missing;

    Refused(String message, boolean missing) {
      super(message, null, false, false);
      this.missing = missing;
    }

    /** True when the request was not signed at all (MISSING_AUTHENTICATION_TOKEN). */
    public boolean missing() {
      return missing;
    }
  }

  /**
   * Verifies one request.
   *
   * @param method the HTTP method
   * @param rawPath the request path as sent, still percent-encoded (e.g. {@code /prod/locations/a})
   * @param rawQuery the query string as sent, or null
   * @param headers the request headers (any case; several values joined with commas)
   * @param body the request body bytes
   * @param now the time to judge skew by
   */
  public Verified verify(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, String> headers,
      byte[] body,
      Instant now)
      throws Refused {
    Map<String, String> lower = new TreeMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    String authorization = lower.get("authorization");
    if (authorization == null || authorization.isBlank()) {
      throw new Refused("Missing Authentication Token", true);
    }
    Matcher m = AUTHORIZATION.matcher(authorization.trim());
    if (!m.matches()) {
      throw new Refused(
          "Authorization header requires 'Credential', 'Signature', 'SignedHeaders' and the"
              + " AWS4-HMAC-SHA256 algorithm",
          false);
    }
    String accessKey = m.group(1);
    String date = m.group(2);
    String scopeRegion = m.group(3);
    String scopeService = m.group(4);
    List<String> signedHeaders = List.of(m.group(5).split(";"));
    String signature = m.group(6);

    if (!scopeService.equals(service)) {
      throw new Refused("Credential should be scoped to correct service: '" + service + "'", false);
    }
    if (!scopeRegion.equals(region)) {
      throw new Refused(
          "Credential should be scoped to a valid region, not '" + scopeRegion + "'", false);
    }
    if (!signedHeaders.contains("host")) {
      throw new Refused("'Host' must be a signed header", false);
    }
    String amzDate = lower.get("x-amz-date");
    if (amzDate == null) {
      throw new Refused("Signature requires the X-Amz-Date header", false);
    }
    Instant signedAt;
    try {
      signedAt = Instant.from(AMZ_DATE.parse(amzDate.trim()));
    } catch (DateTimeParseException e) {
      throw new Refused("X-Amz-Date is not a valid date", false);
    }
    if (!amzDate.startsWith(date)) {
      throw new Refused("Credential date does not match X-Amz-Date", false);
    }
    if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
      throw new Refused("Signature expired: " + amzDate + " is not within 5 minutes of now", false);
    }
    String secret =
        secretKeys
            .apply(accessKey)
            .orElseThrow(
                () -> new Refused("The security token included in the request is invalid", false));
    for (String h : signedHeaders) {
      if (!lower.containsKey(h)) {
        throw new Refused("Signed header '" + h + "' is missing from the request", false);
      }
    }

    // The signature covers the hash of the body actually received; a declared hash that differs
    // from it is a tampered request, never a reason to trust the declaration.
    String payloadHash = hex(sha256(body));
    String declared = lower.get("x-amz-content-sha256");
    if (declared != null && !declared.trim().equalsIgnoreCase(payloadHash)) {
      throw new Refused("The request body does not match its signed hash", false);
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String h : signedHeaders) {
      canonicalHeaders.append(h).append(':').append(trimAll(lower.get(h))).append('\n');
    }
    String canonicalRequest =
        method.toUpperCase(Locale.ROOT)
            + '\n'
            + canonicalUri(rawPath)
            + '\n'
            + canonicalQuery(rawQuery)
            + '\n'
            + canonicalHeaders
            + '\n'
            + String.join(";", signedHeaders)
            + '\n'
            + payloadHash;
    String scope = date + "/" + scopeRegion + "/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate.trim()
            + '\n'
            + scope
            + '\n'
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, scopeRegion);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String expected = hex(hmac(key, stringToSign));
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII))) {
      throw new Refused(
          "The request signature we calculated does not match the signature you provided.", false);
    }
    return new Verified(accessKey);
  }

  /**
   * Each segment of the (already encoded) path is encoded once more, as for every non-S3 service.
   */
  static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String[] segments = rawPath.split("/", -1);
    List<String> out = new ArrayList<>(segments.length);
    for (String s : segments) {
      out.add(encode(s));
    }
    return String.join("/", out);
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder out = new StringBuilder();
    for (String[] p : pairs) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(p[0]).append('=').append(p[1]);
    }
    return out.toString();
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** RFC 3986 encoding: everything but unreserved characters, upper-case hex. */
  static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static String trimAll(String value) {
    return value == null ? "" : value.trim().replaceAll("\\s+", " ");
  }

  // One of each per gateway thread: looking the algorithms up in the providers on every use cost
  // more than the five hashes of a signature check together.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> algorithm(() -> MessageDigest.getInstance("SHA-256")));
  private static final ThreadLocal<Mac> HMAC =
      ThreadLocal.withInitial(() -> algorithm(() -> Mac.getInstance("HmacSHA256")));

  private interface Algorithm<T> {
    T get() throws GeneralSecurityException;
  }

  private static <T> T algorithm(Algorithm<T> lookup) {
    try {
      return lookup.get();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    // digest() resets the instance for its next use.
    return SHA256.get().digest(data);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = HMAC.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
