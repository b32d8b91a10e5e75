package dev.whereabouts.shared.store;

import dev.whereabouts.shared.config.Environment;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How every function builds its AWS SDK clients: explicitly, once, at init.
 *
 * <ul>
 *   <li>Region: {@code AWS_REGION}, which Lambda always sets; no region provider chain.
 *   <li>Credentials: the {@code AWS_ACCESS_KEY_ID} variables when present (on-demand functions),
 *       else container credentials ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}), which is what
 *       Lambda gives a SnapStart function. Two providers instead of the SDK's default chain, which
 *       probes profiles, system properties, web identity and IMDS and costs cold start.
 *   <li>HTTP: the SDK's URLConnection client: no Netty, no Apache, fewest classes to load.
 *   <li>Endpoint: only the SDK's standard {@code AWS_ENDPOINT_URL_DYNAMODB}; unset on AWS.
 * </ul>
 */
public final class Aws {
  /** Connect timeout for AWS calls; DynamoDB answers in milliseconds in-region. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Socket read timeout for AWS calls. */
  public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Attempts per DynamoDB call, the first included. Bounded and explicit: the SDK's default for
   * DynamoDB (legacy mode) is 9 attempts with up to 20 s of back-off, far past any function's
   * Timeout, so a throttled table made the gateway answer 504 instead of the function's 503.
   */
  public static final int MAX_ATTEMPTS = 3;

  /**
   * The whole of one DynamoDB call, retries and back-off included; shorter than the shortest
   * Timeout of a function that uses DynamoDB (5 s in template.yaml), so the function answers 503
   * with Retry-After itself before Lambda cuts it off (ReliabilityFaultTest checks the template).
   */
  public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(3);

  private Aws() {}

  /** The region from {@code AWS_REGION}. */
  public static Region region(Environment env) {
    return Region.of(env.require("AWS_REGION"));
  }

  /** The function's credentials: environment variables, then container credentials. */
  public static AwsCredentialsProvider credentials(Environment env) {
    List<AwsCredentialsProvider> providers = new ArrayList<>(2);
    environmentCredentials(env).ifPresent(c -> providers.add(StaticCredentialsProvider.create(c)));
    providers.add(ContainerCredentialsProvider.builder().build());
    return AwsCredentialsProviderChain.builder()
        .credentialsProviders(providers)
        .reuseLastProviderEnabled(true)
        .build();
  }

  private static Optional<AwsCredentials> environmentCredentials(Environment env) {
    Optional<String> key = env.optional("AWS_ACCESS_KEY_ID");
    Optional<String> secret = env.optional("AWS_SECRET_ACCESS_KEY");
    if (key.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> session = env.optional("AWS_SESSION_TOKEN");
    return Optional.of(
        session.isPresent()
            ? AwsSessionCredentials.create(key.get(), secret.get(), session.get())
            : AwsBasicCredentials.create(key.get(), secret.get()));
  }

  /** The URLConnection HTTP client with this project's timeouts. */
  public static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(CONNECT_TIMEOUT)
        .socketTimeout(SOCKET_TIMEOUT)
        .build();
  }

  /** A DynamoDB client configured as described above. */
  public static DynamoDbClient dynamoDb(Environment env) {
    return dynamoDb(env, httpClient(), List.of());
  }

  /**
   * The same client, except that every call asks for {@code Connection: close}: for work done
   * before a SnapStart snapshot, so no connection it opened is pooled into the snapshot and found
   * dead after a restore.
   */
  public static DynamoDbClient dynamoDbForSnapshot(Environment env) {
    return dynamoDb(env, httpClient(), List.of(new ClosedConnections()));
  }

  /**
   * The same client over another HTTP client, for work done before a SnapStart snapshot whose calls
   * must not leave the process (an HTTP client that answers them itself).
   */
  public static DynamoDbClient dynamoDbForSnapshot(Environment env, SdkHttpClient http) {
    return dynamoDb(env, http, List.of(new ClosedConnections()));
  }

  private static DynamoDbClient dynamoDb(
      Environment env, SdkHttpClient http, List<ExecutionInterceptor> interceptors) {
    var builder =
        DynamoDbClient.builder()
            .region(region(env))
            .credentialsProvider(credentials(env))
            .httpClient(http)
            .overrideConfiguration(
                c ->
                    c.executionInterceptors(interceptors)
                        .apiCallTimeout(API_CALL_TIMEOUT)
                        .retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .build()));
    env.optional("AWS_ENDPOINT_URL_DYNAMODB").map(URI::create).ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
