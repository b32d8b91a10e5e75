package dev.whereabouts.runner.cloudwatch;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 messages as the DynamoDB tap relays them: a head (start line and header lines) and a
 * body read whole, by {@code Content-Length} or chunks. Reads through a buffer of its own rather
 * than a {@link java.io.BufferedInputStream}, whose every one-byte read takes a lock: a head is
 * scanned for its end in the buffer, not byte by byte.
 */
final class HttpWire {
  /** The longest head read; a longer one ends the connection. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  /**
   * The largest body read (DynamoDB's request limit is 16 MB); a larger one ends the connection.
   */
  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  private final InputStream in;
  private byte[] buffer = new byte[16 * 1024];
  private int start;
  private int end;

  HttpWire(InputStream in) {
    this.in = in;
  }

  /** A message head: its start line and its header lines, in order. */
  record Head(String startLine, List<String> lines) {
    /** The first value of a header, by case-insensitive name; null when absent. */
    String value(String name) {
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon == name.length() && line.regionMatches(true, 0, name, 0, colon)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    /** Whether a header's name is {@code name}, case-insensitively. */
    static boolean named(String line, String name) {
      int colon = line.indexOf(':');
      return colon == name.length() && line.regionMatches(true, 0, name, 0, colon);
    }

    boolean chunked() {
      String encoding = value("Transfer-Encoding");
      return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** The {@code Content-Length}, or -1 when absent. */
    long contentLength() throws IOException {
      String length = value("Content-Length");
      if (length == null) {
        return -1;
      }
      try {
        return Long.parseLong(length);
      } catch (NumberFormatException e) {
        throw new SocketException("a malformed Content-Length: " + length);
      }
    }

    /** Whether the sender closes the connection after this message. */
    boolean closes() {
      String connection = value("Connection");
      return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }
  }

  /** The next head; null when the connection ends cleanly before one starts. */
  Head readHead() throws IOException {
    int scanned = 0; // bytes after start already searched for the end of the head
    while (true) {
      if (scanned == 0) {
        // Blank lines before a request are allowed (RFC 9112, 2.2).
        while (start < end && (buffer[start] == '\r' || buffer[start] == '\n')) {
          start++;
        }
      }
      int headEnd = endOfHead(start + Math.max(0, scanned - 3));
      if (headEnd >= 0) {
        String text = new String(buffer, start, headEnd - start, StandardCharsets.ISO_8859_1);
        start = headEnd + 4;
        String[] all = text.split("\r\n", -1);
        List<String> lines = new ArrayList<>(all.length);
        for (int i = 1; i < all.length; i++) {
          lines.add(all[i]);
        }
        return new Head(all[0], lines);
      }
      scanned = end - start;
      if (scanned > MAX_HEAD_BYTES) {
        throw new SocketException("a head over " + MAX_HEAD_BYTES + " bytes");
      }
      if (fill() < 0) {
        if (start == end) {
          return null;
        }
        throw new EOFException("the connection ended inside a head");
      }
    }
  }

  private int endOfHead(int from) {
    for (int i = from; i + 3 < end; i++) {
      if (buffer[i] == '\r'
          && buffer[i + 1] == '\n'
          && buffer[i + 2] == '\r'
          && buffer[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Reads more into the buffer (compacting or growing it); -1 at the end of the stream. */
  private int fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buffer.length) {
      buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
    }
    int n = in.read(buffer, end, buffer.length - end);
    if (n > 0) {
      end += n;
    }
    return n;
  }

  /** Exactly {@code length} bytes of body. */
  byte[] readBody(long length) throws IOException {
    if (length > MAX_BODY_BYTES) {
      throw new SocketException("a body over " + MAX_BODY_BYTES + " bytes");
    }
    byte[] body = new byte[(int) length];
    int have = Math.min(end - start, body.length);
    System.arraycopy(buffer, start, body, 0, have);
    start += have;
    while (have < body.length) {
      int n = in.read(body, have, body.length - have);
      if (n < 0) {
        throw new EOFException("the connection ended inside a body");
      }
      have += n;
    }
    return body;
  }

  /** A chunked body, joined (trailers are read and dropped). */
  byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      long size;
      try {
        size =
            Long.parseLong(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new SocketException("a malformed chunk size");
      }
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers, up to the blank line
        }
        return body.toByteArray();
      }
      if (body.size() + size > MAX_BODY_BYTES) {
        throw new SocketException("a body over " + MAX_BODY_BYTES + " bytes");
      }
      body.write(readBody(size));
      readLine(); // the chunk's CRLF
    }
  }

  /** Everything up to the end of the stream (a response without length that ends by closing). */
  byte[] readToEnd() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(buffer, start, end - start);
    start = end;
    byte[] chunk = new byte[8192];
    for (int n; (n = in.read(chunk)) >= 0; ) {
      body.write(chunk, 0, n);
      if (body.size() > MAX_BODY_BYTES) {
        throw new SocketException("a body over " + MAX_BODY_BYTES + " bytes");
      }
    }
    return body.toByteArray();
  }

  private String readLine() throws IOException {
    while (true) {
      for (int i = start; i < end; i++) {
        if (buffer[i] == '\n') {
          int to = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buffer, start, to - start, StandardCharsets.ISO_8859_1);
          start = i + 1;
          return line;
        }
      }
      if (end - start > MAX_HEAD_BYTES) {
        throw new SocketException("a line over " + MAX_HEAD_BYTES + " bytes");
      }
      if (fill() < 0) {
        throw new EOFException("the connection ended inside a chunked body");
      }
    }
  }
}
