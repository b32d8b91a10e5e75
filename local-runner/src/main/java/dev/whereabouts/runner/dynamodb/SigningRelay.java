package dev.whereabouts.runner.dynamodb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Lets the functions reach real DynamoDB tables (an AWS account's, with {@code --dynamodb-endpoint
 * https://dynamodb.REGION.amazonaws.com}) while they keep their local per-function credentials,
 * which the local gateway's SigV4 checks depend on: a loopback endpoint that takes the functions'
 * DynamoDB calls and sends them on, signed again with the credentials of the person running the
 * runner.
 */
public final class SigningRelay implements AutoCloseable {
  /** The request headers DynamoDB reads, besides the ones the signature adds. */
  private static final List<String> FORWARDED = List.of("Content-Type", "X-Amz-Target");

  /** Response headers the SDK reads (request id, CRC32 check of the body). */
  private static final Set<String> RETURNED =
      Set.of("content-type", "x-amzn-requestid", "x-amz-crc32");

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI target;
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final HttpServer server;
  private final ExecutorService workers = Executors.newCachedThreadPool(SigningRelay::daemon);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  private SigningRelay(
      URI target, AwsCredentialsProvider credentials, String region, HttpServer server) {
    this.target = target;
    this.credentials = credentials;
    this.region = region;
    this.server = server;
  }

  /** Starts the relay on a free loopback port. */
  public static SigningRelay start(URI target, AwsCredentialsProvider credentials, String region)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    SigningRelay relay = new SigningRelay(target, credentials, region, server);
    server.setExecutor(relay.workers);
    server.createContext("/", relay::relay);
    server.start();
    return relay;
  }

  /** The endpoint functions get as {@code AWS_ENDPOINT_URL_DYNAMODB}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      HttpResponse<byte[]> answer;
      try {
        answer = forward(exchange);
      } catch (IOException | RuntimeException e) {
        // As DynamoDB's own 500: the SDK retries it, the function maps it like any outage.
        byte[] error =
            ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                    + "\"message\":\"the runner's relay could not reach "
                    + target.getHost()
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(500, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
              });
      exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  /** Signs the function's call again with the user's credentials and sends it on. */
  private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    SdkHttpRequest.Builder unsigned =
        SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(target.resolve("/"));
    for (String name : FORWARDED) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        unsigned.putHeader(name, value);
      }
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
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "dynamodb-relay");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
