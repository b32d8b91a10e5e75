package dev.whereabouts.shared.snapstart;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that sends nothing and answers every request itself with one {@code 200} JSON
 * body, for an SDK client of priming's own: the success path of a write (its answer unmarshalled,
 * the stored item read back, the route's answer with its {@code ETag}) runs before the snapshot
 * without a write, which no refused request reaches.
 */
public final class LocalAnswers implements SdkHttpClient {
  private final byte[] body;

  /**
   * @param json the body of every answer, in the service's own wire format (for DynamoDB, {@code
   *     {"Item": …, "Attributes": …}} answers {@code GetItem} and {@code UpdateItem} alike)
   */
  public LocalAnswers(String json) {
    this.body = json.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("x-amzn-RequestId", "snapstart-priming")
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public void close() {}
}
