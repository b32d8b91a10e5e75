package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/** The verifier against requests signed by the AWS SDK's own SigV4 signer. */
class SigV4VerifierTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:15:30Z");
  private static final SigV4Verifier VERIFIER =
      new SigV4Verifier(
          "eu-central-1",
          key -> key.equals("AKIDPROFILE") ? Optional.of("profile-secret") : Optional.empty());

  private static Map<String, String> signed(
      String method,
      String path,
      String query,
      String body,
      String region,
      String secret,
      Instant at) {
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create("http://127.0.0.1:3000" + path + (query == null ? "" : "?" + query)))
            .putHeader("X-Correlation-Id", "abc");
    SdkHttpRequest result =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsBasicCredentials.create("AKIDPROFILE", secret))
                        .request(request.build())
                        .payload(body == null ? null : ContentStreamProvider.fromUtf8String(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(
                            AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
            .request();
    Map<String, String> headers = new LinkedHashMap<>();
    result.headers().forEach((k, v) -> headers.put(k, String.join(",", v)));
    return headers;
  }

  private static SigV4Verifier.Verified verify(
      String method, String path, String query, Map<String, String> headers, String body)
      throws SigV4Verifier.Refused {
    return VERIFIER.verify(
        method,
        path,
        query,
        headers,
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
        NOW);
  }

  @Test
  void acceptsWhatTheSdkSigned() throws Exception {
    Map<String, String> headers =
        signed("GET", "/prod/locations/michael", null, null, "eu-central-1", "profile-secret", NOW);
    assertEquals(
        "AKIDPROFILE", verify("GET", "/prod/locations/michael", null, headers, null).accessKeyId());
  }

  @Test
  void acceptsSignedBodiesAndQueries() throws Exception {
    Map<String, String> headers =
        signed("PUT", "/prod/x", "b=2&a=1", "{\"a\":1}", "eu-central-1", "profile-secret", NOW);
    verify("PUT", "/prod/x", "b=2&a=1", headers, "{\"a\":1}");
  }

  @Test
  void anUnsignedRequestIsMissingItsToken() {
    SigV4Verifier.Refused refused =
        assertThrows(
            SigV4Verifier.Refused.class,
            () -> verify("GET", "/prod/locations/michael", null, Map.of(), null));
    assertTrue(refused.missing());
  }

  @Test
  void aTamperedPathBodyOrHeaderIsRefused() {
    Map<String, String> headers =
        signed(
            "PUT",
            "/prod/locations/michael",
            null,
            "{\"a\":1}",
            "eu-central-1",
            "profile-secret",
            NOW);
    for (Runnable tamper :
        List.<Runnable>of(
            () ->
                assertRefused(
                    () -> verify("PUT", "/prod/locations/mallory", null, headers, "{\"a\":1}")),
            () ->
                assertRefused(
                    () -> verify("PUT", "/prod/locations/michael", null, headers, "{\"a\":2}")),
            () ->
                assertRefused(
                    () -> verify("DELETE", "/prod/locations/michael", null, headers, "{\"a\":1}")),
            () -> {
              Map<String, String> changed = new LinkedHashMap<>(headers);
              changed.put("X-Correlation-Id", "other");
              assertRefused(
                  () -> verify("PUT", "/prod/locations/michael", null, changed, "{\"a\":1}"));
            })) {
      tamper.run();
    }
  }

  @Test
  void aWrongSecretUnknownKeyOrRegionIsRefused() {
    assertRefused(
        () ->
            verify(
                "GET",
                "/prod/a",
                null,
                signed("GET", "/prod/a", null, null, "eu-central-1", "guessed", NOW),
                null));
    assertRefused(
        () ->
            verify(
                "GET",
                "/prod/a",
                null,
                signed("GET", "/prod/a", null, null, "us-east-1", "profile-secret", NOW),
                null));
  }

  @Test
  void signaturesOlderThanFiveMinutesAreRefused() {
    Map<String, String> old =
        signed(
            "GET",
            "/prod/a",
            null,
            null,
            "eu-central-1",
            "profile-secret",
            NOW.minus(Duration.ofMinutes(6)));
    SigV4Verifier.Refused refused =
        assertThrows(SigV4Verifier.Refused.class, () -> verify("GET", "/prod/a", null, old, null));
    assertFalse(refused.missing());
    assertTrue(refused.getMessage().contains("expired"));
  }

  private static Map<String, String> signedAt(Instant at) {
    return signed("GET", "/prod/a", null, null, "eu-central-1", "profile-secret", at);
  }

  private static SigV4Verifier.Refused refusal(Map<String, String> headers) {
    SigV4Verifier.Refused refused =
        assertThrows(
            SigV4Verifier.Refused.class, () -> verify("GET", "/prod/a", null, headers, null));
    assertFalse(refused.missing());
    return refused;
  }

  @Test
  void signaturesDatedMoreThanFiveMinutesAheadAreRefused() {
    Map<String, String> future = signedAt(NOW.plus(Duration.ofMinutes(6)));
    assertTrue(refusal(future).getMessage().contains("expired"));
  }

  @Test
  void signaturesInsideTheSkewWindowAreAcceptedEitherSideOfNow() throws Exception {
    for (Duration skew : List.of(Duration.ofMinutes(4), Duration.ofMinutes(-4), Duration.ZERO)) {
      assertEquals(
          "AKIDPROFILE",
          verify("GET", "/prod/a", null, signedAt(NOW.plus(skew)), null).accessKeyId(),
          "skew " + skew);
    }
  }

  /**
   * A good signature whose Authorization header is then rewritten: {@code regex} → {@code
   * replacement}.
   */
  private static Map<String, String> rewritten(String regex, String replacement) {
    Map<String, String> headers = new LinkedHashMap<>(signedAt(NOW));
    headers.put("Authorization", headers.get("Authorization").replaceAll(regex, replacement));
    return headers;
  }

  @Test
  void aSignatureForAnotherServiceIsRefused() {
    Map<String, String> lambda = rewritten("/execute-api/", "/lambda/");
    assertTrue(refusal(lambda).getMessage().contains("execute-api"));
  }

  @Test
  void anUnknownAccessKeyIdIsRefused() {
    Map<String, String> stranger = rewritten("Credential=AKIDPROFILE/", "Credential=AKIDSTRANGER/");
    assertTrue(refusal(stranger).getMessage().contains("security token"));
  }

  @Test
  void aSignatureThatLeavesHostUnsignedIsRefused() {
    Map<String, String> headers =
        rewritten("SignedHeaders=[^,]*", "SignedHeaders=x-amz-date;x-correlation-id");
    assertTrue(refusal(headers).getMessage().contains("Host"));
  }

  private static void assertRefused(org.junit.jupiter.api.function.Executable call) {
    SigV4Verifier.Refused refused = assertThrows(SigV4Verifier.Refused.class, call);
    assertFalse(refused.missing());
  }
}
