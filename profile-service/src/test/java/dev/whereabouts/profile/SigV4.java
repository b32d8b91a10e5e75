package dev.whereabouts.profile;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent check of an AWS Signature Version 4 header signature, written from the AWS
 * documentation ("Create a signed AWS API request"), so that the tests do not trust the SDK to
 * check itself.
 */
final class SigV4 {
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,"
              + " ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$");

  private SigV4() {}

  /** Whether {@code request} carries a valid signature made with {@code secretKey}. */
  static boolean verify(FakeLocationService.Received request, String secretKey) {
    String authorization = request.header("Authorization");
    String amzDate = request.header("X-Amz-Date");
    if (authorization == null || amzDate == null) {
      return false;
    }
    Matcher m = AUTHORIZATION.matcher(authorization);
    if (!m.matches() || !amzDate.startsWith(m.group(2))) {
      return false;
    }
    String date = m.group(2);
    String region = m.group(3);
    String service = m.group(4);
    String signedHeaders = m.group(5);

    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : signedHeaders.split(";")) {
      String value = request.header(name);
      if (value == null) {
        return false;
      }
      canonicalHeaders.append(name).append(':').append(value.trim().replaceAll(" +", " "));
      canonicalHeaders.append('\n');
    }
    String canonicalRequest =
        request.method()
            + "\n"
            + canonicalUri(request.rawPath())
            + "\n"
            + (request.rawQuery() == null ? "" : request.rawQuery())
            + "\n"
            + canonicalHeaders
            + "\n"
            + signedHeaders
            + "\n"
            + hex(sha256(request.body()));
    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    byte[] expected = hex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, m.group(6).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Every service but S3 URI-encodes the path twice; the path as received is encoded once already,
   * so each of its segments is encoded once more.
   */
  private static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    StringJoiner path = new StringJoiner("/");
    for (String segment : rawPath.split("/", -1)) {
      path.add(encode(segment));
    }
    return path.toString();
  }

  private static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
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
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
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
