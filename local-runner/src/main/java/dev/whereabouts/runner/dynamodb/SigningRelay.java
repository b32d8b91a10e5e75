package dev.whereabouts.runner.dynamodb;

import dev.whereabouts.runner.gateway.Policy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Lets the functions reach real DynamoDB tables (an AWS account's, with {@code --dynamodb-endpoint
 * https://dynamodb.REGION.amazonaws.com}) while they keep their local per-function credentials,
 * which the local gateway's SigV4 checks depend on: the {@link DynamoDbTap}'s upstream that signs a
 * function's call again with the credentials of the person running the runner.
 *
 * <p>Those credentials can do far more than a function's role, so the relay signs only what the
 * function's role in the template would allow in AWS: the tap has checked the caller's signature
 * (one of the suite's functions), and the relay takes only the single-table item operations, on the
 * template's tables, that the function's policy grants on that table's ARN. Anything else (a {@code
 * DeleteTable}, another table, another function's grant) is refused before it is signed.
 */
public final class SigningRelay implements DynamoDbTap.Upstream {
  /** The operations the relay signs: item reads and writes of one table. */
  static final Set<String> ITEM_OPERATIONS =
      Set.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan");

  /** The request headers DynamoDB reads, besides the ones the signature adds. */
  private static final List<String> FORWARDED = List.of("Content-Type", "X-Amz-Target");

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * What the template grants.
   *
   * @param tables table name → its ARN as the template's policies name it
   * @param policyOf access key id → the data policy of the function it belongs to
   */
  public record Grants(Map<String, String> tables, Function<String, Optional<Policy>> policyOf) {}

  private final URI target;
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final Supplier<Grants> grants;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /**
   * @param target real DynamoDB
   * @param credentials the user's
   * @param region the region {@code target} signs for
   * @param grants the template's grants now (a reload may change them)
   */
  public SigningRelay(
      URI target, AwsCredentialsProvider credentials, String region, Supplier<Grants> grants) {
    this.target = target;
    this.credentials = credentials;
    this.region = region;
    this.grants = grants;
  }

  @Override
  public DynamoDbTap.Answer send(
      String caller, String operation, String table, Map<String, List<String>> headers, byte[] body)
      throws IOException, DynamoDbTap.Refused {
    refuseUngranted(caller, operation, table);
    SdkHttpRequest.Builder unsigned =
        SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(target.resolve("/"));
    for (String name : FORWARDED) {
      headers.forEach(
          (n, values) -> {
            if (n.equalsIgnoreCase(name) && !values.isEmpty()) {
              unsigned.putHeader(name, values.get(0));
            }
          });
    }
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(unsigned.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(signed.request().getUri())
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    // java.net.http sets Host itself, from the same URI the signature covers.
    signed
        .request()
        .forEachHeader(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> request.header(name, v));
              }
            });
    try {
      return DynamoDbTap.send(http, request.build());
    } catch (IOException e) {
      // As DynamoDB's own 500: the SDK retries it, the function maps it like any outage.
      return new DynamoDbTap.Answer(
          500,
          Map.of("Content-Type", List.of("application/x-amz-json-1.0")),
          ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                  + "\"message\":\"the runner's relay could not reach "
                  + target.getHost()
                  + "\"}")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private void refuseUngranted(String caller, String operation, String table)
      throws DynamoDbTap.Refused {
    if (!ITEM_OPERATIONS.contains(operation)) {
      throw new DynamoDbTap.Refused(
          "The runner signs only item operations of one table for real DynamoDB, not '"
              + operation
              + "'.");
    }
    Grants now = grants.get();
    String arn = table == null ? null : now.tables().get(table);
    if (arn == null) {
      throw new DynamoDbTap.Refused(
          "The runner signs calls on the template's tables only, not on '" + table + "'.");
    }
    Optional<Policy> policy = now.policyOf().apply(caller);
    if (policy.isEmpty() || !policy.get().allows("dynamodb:" + operation, arn)) {
      throw new DynamoDbTap.Refused(
          "The function's role in the template does not allow dynamodb:"
              + operation
              + " on "
              + arn
              + ".");
    }
  }
}
