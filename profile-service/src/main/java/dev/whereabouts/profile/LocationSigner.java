package dev.whereabouts.profile;

import java.net.URI;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The lookup's request, signed with SigV4 for API Gateway's AWS_IAM authorization: {@code GET
 * {base}/locations/{userId}} with the correlation id and, when well-formed, the X-Ray header.
 */
final class LocationSigner {
  /** The SigV4 signing name of API Gateway's execute API. */
  static final String SIGNING_NAME = "execute-api";

  /** An X-Ray header's form: {@code key=value} pairs of visible ASCII, bounded. */
  private static final Pattern TRACE_HEADER =
      Pattern.compile("[A-Za-z]+=[0-9A-Za-z-]+(;[A-Za-z]+=[0-9A-Za-z:-]+){0,8}");

  private final String region;
  private final AwsCredentialsProvider credentials;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /**
   * @param region the signing region
   * @param credentials the function's credentials, resolved on every call
   */
  LocationSigner(String region, AwsCredentialsProvider credentials) {
    this.region = region;
    this.credentials = credentials;
  }

  /** The signed request of {@code lookup} to the API at {@code base}; nothing is sent. */
  SdkHttpRequest sign(URI base, LocationClient.Lookup lookup) {
    SdkHttpRequest.Builder builder =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create(base + "/locations/" + lookup.userId()))
            .putHeader("Accept", "application/json")
            .putHeader("X-Correlation-Id", lookup.correlationId());
    lookup
        .traceHeader()
        .filter(header -> TRACE_HEADER.matcher(header).matches())
        // Left out of the signature by the SigV4 signer (as X-Ray's services expect, since each hop
        // may rewrite Parent), so it never breaks the signed call.
        .ifPresent(header -> builder.putHeader("X-Amzn-Trace-Id", header));
    SdkHttpRequest unsigned = builder.build();
    // Resolved per call: Lambda's credentials are temporary and the provider refreshes them.
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    return signer
        .sign(
            r ->
                r.identity(identity)
                    .request(unsigned)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME))
        .request();
  }

  /** The signing region, also the region of a derived API URL. */
  String region() {
    return region;
  }
}
