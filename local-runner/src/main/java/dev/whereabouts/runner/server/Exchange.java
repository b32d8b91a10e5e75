package dev.whereabouts.runner.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * One request and its answer, as the runner's handlers see them: what the server parsed, and one
 * way to answer. It keeps the server library's types out of the gateway and the pages, and answers
 * in one blocking write, as every handler of the runner answers.
 */
public final class Exchange {
  private final Request request;
  private final Response response;
  private final Callback callback;
  private boolean answered;

  Exchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
  }

  /** The method, as sent (the server has checked it is an HTTP token). */
  public String method() {
    return request.getMethod();
  }

  /** The path, still percent-encoded. */
  public String rawPath() {
    String path = request.getHttpURI().getPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  /** The query, still percent-encoded, or null. */
  public String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  /** The first value of a header, by case-insensitive name, or null. */
  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Every value of a header, by case-insensitive name, in order. */
  public List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  /** Every header line, in order, with its name as sent. */
  public void forEachHeader(BiConsumer<String, String> action) {
    for (HttpField field : request.getHeaders()) {
      action.accept(field.getName(), field.getValue());
    }
  }

  /** The client's IP address. */
  public String remoteAddress() {
    return Request.getRemoteAddr(request);
  }

  /**
   * The body, read whole but for at most {@code max + 1} bytes: a caller sees a body over its limit
   * by its length.
   */
  public byte[] body(int max) throws IOException {
    try (InputStream in = Request.asInputStream(request)) {
      return in.readNBytes(max + 1);
    }
  }

  /**
   * Writes the answer and waits until it is written. Header names leave as written here; the server
   * adds the status line's reason phrase and the length.
   */
  public void respond(int status, Map<String, List<String>> headers, byte[] body)
      throws IOException {
    if (answered) {
      throw new IllegalStateException("answered twice");
    }
    answered = true;
    response.setStatus(status);
    HttpFields.Mutable out = response.getHeaders();
    headers.forEach(
        (name, values) -> {
          out.remove(name);
          values.forEach(v -> out.add(name, v));
        });
    boolean noBody = method().equals("HEAD") || status == 204 || status == 304;
    out.put("Content-Length", Long.toString(noBody ? 0 : body.length));
    FutureCallback written = new FutureCallback();
    response.write(true, noBody ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), written);
    try {
      written.block();
    } catch (IOException e) {
      if (e instanceof InterruptedIOException) {
        Thread.currentThread().interrupt();
      }
      callback.failed(e);
      throw e;
    }
    callback.succeeded();
  }

  /** Answers with one value per header. */
  public void respondWith(int status, Map<String, String> headers, byte[] body) throws IOException {
    Map<String, List<String>> all = new LinkedHashMap<>();
    headers.forEach((k, v) -> all.put(k, new ArrayList<>(List.of(v))));
    respond(status, all, body);
  }

  /**
   * Ends the connection without an answer, as a server that went away would (the tap, when the
   * engine behind it cannot be reached: the client retries as it would against DynamoDB).
   */
  public void abort(Throwable cause) {
    answered = true;
    request.getConnectionMetaData().getConnection().getEndPoint().close(cause);
    callback.failed(cause);
  }

  /** Headers the answer carries unless the handler sets them itself. */
  void presetHeaders(Map<String, String> headers) {
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
  }

  boolean answered() {
    return answered;
  }

  void fail(Throwable cause) {
    callback.failed(cause);
  }
}
