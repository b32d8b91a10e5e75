package dev.whereabouts.profile;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The lookup's HTTP call within a hard time bound: the call (signing included) runs on a daemon
 * thread and the caller waits at most the time allowed, then aborts the connection. Every failure
 * is a {@link LocationClient.Unavailable}, never an exception. Thread-safe.
 */
final class LocationCall {
  /** The most of a response body that is read. A location is about 150 bytes. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final SdkHttpClient http;
  private final ExecutorService calls =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "location-client");
            thread.setDaemon(true);
            return thread;
          });

  LocationCall(SdkHttpClient http) {
    this.http = http;
  }

  /**
   * The URLConnection client with connect and read timeouts equal to the lookup's budget, so that a
   * call abandoned at the budget does not linger.
   */
  static SdkHttpClient httpClient(Duration budget) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(budget)
        .socketTimeout(budget)
        .build();
  }

  /**
   * Sends the request {@code signed} makes (on the call's thread, so the signing and its
   * credentials count against the time too) and reads the answer for {@code userId}, within {@code
   * allowed}.
   */
  LocationClient.Result send(Supplier<SdkHttpRequest> signed, String userId, Duration allowed) {
    AtomicReference<ExecutableHttpRequest> inFlight = new AtomicReference<>();
    Future<LocationClient.Result> call;
    try {
      call = calls.submit(() -> call(signed, userId, inFlight));
    } catch (RejectedExecutionException e) {
      return new LocationClient.Unavailable("no thread to call on");
    }
    try {
      return call.get(allowed.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abort(call, inFlight);
      return new LocationClient.Unavailable("timeout after " + allowed.toMillis() + " ms");
    } catch (InterruptedException e) {
      abort(call, inFlight);
      Thread.currentThread().interrupt();
      return new LocationClient.Unavailable("interrupted");
    } catch (ExecutionException e) {
      return new LocationClient.Unavailable(describe(e.getCause()));
    }
  }

  /**
   * Cancels the call and aborts its connection on another thread: closing a connection whose body
   * is still arriving can itself block (the JDK drains what it can of a fixed-length body before it
   * lets go), and the caller's time is already up.
   */
  private void abort(
      Future<LocationClient.Result> call, AtomicReference<ExecutableHttpRequest> inFlight) {
    call.cancel(true);
    try {
      calls.execute(
          () -> {
            ExecutableHttpRequest request = inFlight.get();
            if (request != null) {
              request.abort();
            }
          });
    } catch (RejectedExecutionException e) {
      // no thread to abort on: the call's own socket timeout ends it
    }
  }

  private static String describe(Throwable failure) {
    if (failure instanceof ConnectException) {
      return "connection refused";
    }
    if (failure instanceof SocketTimeoutException) {
      return "timeout (socket)";
    }
    if (failure instanceof UnknownHostException) {
      return "unknown host";
    }
    if (failure instanceof IOException) {
      return "I/O error (" + failure.getClass().getSimpleName() + ")";
    }
    if (failure instanceof SdkClientException) {
      return "credentials or signing failed (" + failure.getClass().getSimpleName() + ")";
    }
    return "unexpected error (" + failure.getClass().getSimpleName() + ")";
  }

  private LocationClient.Result call(
      Supplier<SdkHttpRequest> signed,
      String userId,
      AtomicReference<ExecutableHttpRequest> inFlight)
      throws IOException {
    ExecutableHttpRequest executable =
        http.prepareRequest(HttpExecuteRequest.builder().request(signed.get()).build());
    inFlight.set(executable);
    if (Thread.currentThread().isInterrupted()) {
      executable.abort();
      return new LocationClient.Unavailable("cancelled");
    }
    HttpExecuteResponse response = executable.call();
    int status = response.httpResponse().statusCode();
    try (InputStream body = response.responseBody().map(InputStream.class::cast).orElse(null)) {
      if (status == 200) {
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          response.responseBody().ifPresent(AbortableInputStream::abort);
          return new LocationClient.Unavailable("response body over " + MAX_BODY_BYTES + " bytes");
        }
        return LocationAnswer.read(bytes, userId);
      }
      if (status == 404) {
        return new LocationClient.None();
      }
      if (status == 403) {
        return new LocationClient.Unavailable("refused with 403 (IAM authorization)");
      }
      if (status >= 500) {
        return new LocationClient.Unavailable("server error " + status);
      }
      return new LocationClient.Unavailable("unexpected status " + status);
    }
  }
}
