package dev.whereabouts.runner.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLSession;

/**
 * Requests no well-behaved client sends: any bytes as the body, any request target (`..`, `%00`,
 * encoded slashes) and any header lines (CRLF inside, repeated, oversized), written to a socket as
 * they are. Only for the local runner (plain HTTP); a deployed stage gets them through {@link
 * HttpClient} where it can carry them.
 */
final class Raw {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Raw() {}

  /** A request with a byte body through the JDK client (works against any base URL). */
  static Api.Reply send(String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SuiteUnderTest.baseUrl() + path));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Api.Reply(r.statusCode(), r, parse(r.body()));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes {@code method target HTTP/1.1}, the header lines as given (each may hold anything) and
   * the body to the local runner's socket, and reads the answer.
   */
  static Api.Reply socket(String method, String target, List<String> headerLines, byte[] body) {
    URI base = URI.create(SuiteUnderTest.baseUrl());
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(30_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(
          (method
                  + " "
                  + target
                  + " HTTP/1.1\r\nHost: "
                  + base.getHost()
                  + ":"
                  + base.getPort()
                  + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      for (String h : headerLines) {
        request.writeBytes((h + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      request.writeBytes(
          ("Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      request.writeBytes(body);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.toByteArray());
        out.flush();
      } catch (IOException refusedEarly) {
        // A server may answer and close before it read a large body; the answer may be there.
        try {
          return read(s.getInputStream(), method, URI.create(SuiteUnderTest.baseUrl()));
        } catch (IOException | RuntimeException noAnswer) {
          throw refusedEarly;
        }
      }
      return read(s.getInputStream(), method, URI.create(SuiteUnderTest.baseUrl()));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + target + ": " + e.getMessage(), e);
    }
  }

  private static Api.Reply read(InputStream in, String method, URI uri) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete answer: " + text.length() + " bytes");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    boolean chunked =
        headers.getOrDefault("Transfer-Encoding", List.of()).stream()
            .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
    String body = new String(chunked ? dechunk(rest) : rest, StandardCharsets.UTF_8);
    HttpHeaders httpHeaders = HttpHeaders.of(headers, (a, b) -> true);
    HttpResponse<String> response = new SocketResponse(status, httpHeaders, body, uri);
    return new Api.Reply(status, response, parse(body));
  }

  private static byte[] dechunk(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < raw.length) {
      int lineEnd = at;
      while (lineEnd + 1 < raw.length && !(raw[lineEnd] == '\r' && raw[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      String sizeText = new String(raw, at, lineEnd - at, StandardCharsets.ISO_8859_1).trim();
      int size = Integer.parseInt(sizeText.split(";")[0], 16);
      if (size == 0) {
        break;
      }
      out.write(raw, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static JsonNode parse(String body) {
    if (body.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private record SocketResponse(int statusCode, HttpHeaders headers, String body, URI uri)
      implements HttpResponse<String> {
    @Override
    public HttpRequest request() {
      return HttpRequest.newBuilder(uri).build();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
