package dev.whereabouts.runner.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte over a socket, for what {@code java.net.http} will not send: a
 * {@code Host} of the test's choosing, a header twice, a malformed path, a body that is not UTF-8.
 */
public final class RawHttp {
  private RawHttp() {}

  /** One answer: status, headers by lower-case name, body. */
  public record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return Api.JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text(), e);
      }
    }
  }

  /**
   * Sends one request to the suite and reads the answer.
   *
   * @param head the request line and headers, one per line, without Content-Length or Connection
   * @param body sent as is after the head (with its Content-Length), or null
   */
  public static Answer send(String head, byte[] body) {
    URI base = URI.create(SuiteUnderTest.baseUrl());
    boolean tls = "https".equals(base.getScheme());
    int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
    try (Socket socket =
        tls
            ? javax.net.ssl.SSLSocketFactory.getDefault().createSocket(base.getHost(), port)
            : new Socket(base.getHost(), port)) {
      socket.setSoTimeout(30_000);
      StringBuilder request = new StringBuilder();
      for (String line : head.split("\n")) {
        request.append(line).append("\r\n");
      }
      if (body != null) {
        request.append("Content-Length: ").append(body.length).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    String head = new String(all, 0, end < 0 ? all.length : end, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(
                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (end >= 0) {
      byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
      List<String> encoding = headers.get("transfer-encoding");
      body.write(encoding != null && encoding.contains("chunked") ? unchunk(rest) : rest);
    }
    return new Answer(status, headers, body.toByteArray());
  }

  private static byte[] unchunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < chunked.length) {
      int lineEnd =
          indexOf(
              java.util.Arrays.copyOfRange(chunked, i, chunked.length), new byte[] {'\r', '\n'});
      String sizeLine = new String(chunked, i, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0];
      int size = Integer.parseInt(sizeLine.trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(chunked, i + lineEnd + 2, size);
      i += lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
