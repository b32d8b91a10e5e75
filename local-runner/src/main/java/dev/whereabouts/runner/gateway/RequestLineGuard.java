package dev.whereabouts.runner.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The runner's listening socket, in front of the JDK's HTTP server: it reads the head of every
 * request on a connection and answers two kinds of request itself, as problems, before the JDK
 * server sees them; everything else is relayed byte for byte to the server on a private loopback
 * port, keep-alive included.
 *
 * <ul>
 *   <li>A request line the JDK server cannot parse ({@code /profiles/%zz}, a trailing {@code %}, a
 *       space in the target): the JDK server would answer its own HTML page naming {@code
 *       URISyntaxException}, before any handler runs. Here it is a {@code BAD_REQUEST_PARAMETERS}
 *       gateway response, like every other answer the gateway gives itself.
 *   <li>A {@code Host} the runner does not serve ({@link ServedHosts}): checked here because only
 *       this socket knows the port clients use; it covers the runner's own pages too.
 * </ul>
 */
public final class RequestLineGuard implements AutoCloseable {
  /** The longest request head read; longer ones are refused. */
  public static final int MAX_HEAD_BYTES = 64 * 1024;

  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

  private final ServerSocket listener;
  private final InetSocketAddress backend;
  private final GatewayResponses responses;
  private final Consumer<String> log;

  /**
   * @param listener the bound public socket
   * @param backend where the JDK HTTP server listens (loopback, private)
   * @param responses the template's gateway responses, to shape the refusals
   * @param log where a refusal's access-log line goes
   */
  public RequestLineGuard(
      ServerSocket listener,
      InetSocketAddress backend,
      GatewayResponses responses,
      Consumer<String> log) {
    this.listener = listener;
    this.backend = backend;
    this.responses = responses;
    this.log = log;
    daemon(this::accept, "front-door");
  }

  /** Starts a thread that does not keep the JVM alive (Ctrl-C stops the runner at once). */
  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The port clients use. */
  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        client.setTcpNoDelay(true);
        daemon(() -> serve(client), "front-door-connection");
      } catch (IOException e) {
        if (!listener.isClosed()) {
          log.accept("front door: accept failed: " + e.getMessage());
        }
      }
    }
  }

  /** One client connection: request heads checked one by one, bodies and answers relayed. */
  private void serve(Socket client) {
    Socket server = null;
    Thread answers = null;
    AtomicBoolean answeringHere = new AtomicBoolean();
    try (client) {
      // Buffered: heads are read byte by byte; every later read of the connection goes through it.
      InputStream in = new Buffered(client.getInputStream());
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          if (server != null) {
            // The client sent all it will: let the server finish its answers first.
            server.shutdownOutput();
            answers.join();
          }
          return;
        }
        Head parsed = Head.parse(head);
        String refusal = refusal(parsed);
        if (refusal != null) {
          if (server != null) {
            // Let the server finish the answers already asked for, then answer this one.
            answeringHere.set(true);
            server.shutdownOutput();
            answers.join();
          }
          refuse(client, parsed, refusal);
          return;
        }
        if (server == null) {
          server = new Socket(backend.getAddress(), backend.getPort());
          server.setTcpNoDelay(true);
          Socket from = server;
          answers = daemon(() -> copyAnswers(from, client, answeringHere), "front-door-answers");
        }
        OutputStream toServer = server.getOutputStream();
        toServer.write(head);
        copyBody(in, toServer, parsed);
        toServer.flush();
      }
    } catch (IOException e) {
      // the client or the server went away: nothing left to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(server);
    }
  }

  /** Why the request is refused here, or null to pass it on. */
  private String refusal(Head head) {
    if (head.target == null) {
      return "The request line is malformed.";
    }
    try {
      new URI(head.target);
    } catch (URISyntaxException e) {
      return "The request target is not a valid URI (a malformed percent-encoding or a character"
          + " that must be encoded).";
    }
    if (!ServedHosts.serves(head.values("host"), port())) {
      return "The runner answers only for the host names it serves (127.0.0.1, localhost, [::1]),"
          + " not for the Host this request names.";
    }
    return null;
  }

  private void refuse(Socket client, Head head, String message) throws IOException {
    String requestId = UUID.randomUUID().toString();
    GatewayResponses.Answer answer =
        responses.render(
            "BAD_REQUEST_PARAMETERS",
            400,
            message,
            Map.of("requestId", requestId, "extendedRequestId", requestId));
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    StringBuilder out =
        new StringBuilder("HTTP/1.1 ").append(answer.status()).append(" Bad Request\r\n");
    answer.headers().forEach((k, v) -> out.append(k).append(": ").append(v).append("\r\n"));
    out.append("x-amzn-RequestId: ").append(requestId).append("\r\n");
    out.append("Content-Length: ").append(body.length).append("\r\n");
    out.append("Connection: close\r\n\r\n");
    OutputStream o = client.getOutputStream();
    o.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
    o.write(body);
    o.flush();
    log.accept(
        String.format(
            "%s %s %d (refused at the front door)",
            head.method == null ? "?" : head.method,
            head.target == null ? "?" : printable(head.target),
            answer.status()));
  }

  private static String printable(String target) {
    // The path only, as the gateway logs it: a query may hold a token a client put there.
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String cut = path.length() > 80 ? path.substring(0, 80) + "…" : path;
    return cut.replaceAll("[^\\x20-\\x7E…]", "?");
  }

  /**
   * Relays the server's answers until it closes the connection; then the client sees the end too,
   * unless the guard still has an answer of its own to write.
   */
  private static void copyAnswers(Socket server, Socket client, AtomicBoolean answeringHere) {
    try {
      server.getInputStream().transferTo(client.getOutputStream());
    } catch (IOException e) {
      // either side closed
    } finally {
      if (!answeringHere.get()) {
        try {
          client.shutdownOutput();
        } catch (IOException | RuntimeException e) {
          // already closed
        }
      }
    }
  }

  /** The head up to and including its blank line; null at the end of the connection. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < END_OF_HEAD.length) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (head.size() == 0 && (b == '\r' || b == '\n')) {
        continue; // blank lines between requests are allowed
      }
      head.write(b);
      matched = b == END_OF_HEAD[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new SocketException("request head over " + MAX_HEAD_BYTES + " bytes");
      }
    }
    return head.toByteArray();
  }

  private static void copyBody(InputStream in, OutputStream out, Head head) throws IOException {
    List<String> encodings = head.values("transfer-encoding");
    if (!encodings.isEmpty()
        && encodings.get(encodings.size() - 1).toLowerCase(Locale.ROOT).contains("chunked")) {
      copyChunks(in, out);
      return;
    }
    List<String> lengths = head.values("content-length");
    long remaining;
    try {
      remaining = lengths.isEmpty() ? 0 : Long.parseLong(lengths.get(0).trim());
    } catch (NumberFormatException e) {
      remaining = 0; // the server refuses the head itself
    }
    byte[] buffer = new byte[8192];
    while (remaining > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (n < 0) {
        throw new SocketException("the client closed inside a body");
      }
      out.write(buffer, 0, n);
      remaining -= n;
    }
  }

  private static void copyChunks(InputStream in, OutputStream out) throws IOException {
    while (true) {
      String sizeLine = copyLine(in, out);
      int semicolon = sizeLine.indexOf(';');
      long size;
      try {
        size =
            Long.parseLong(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        return; // the server refuses the malformed chunk
      }
      if (size == 0) {
        while (!copyLine(in, out).isEmpty()) {
          // trailers, up to the blank line
        }
        return;
      }
      for (long i = 0; i < size + 2; i++) {
        int b = in.read();
        if (b < 0) {
          throw new SocketException("the client closed inside a chunk");
        }
        out.write(b);
      }
    }
  }

  /** Copies one CRLF-terminated line; returns it without the line end. */
  private static String copyLine(InputStream in, OutputStream out) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new SocketException("the client closed inside a chunked body");
      }
      out.write(b);
      if (b == '\n') {
        int end =
            line.length() > 0 && line.charAt(line.length() - 1) == '\r'
                ? line.length() - 1
                : line.length();
        return line.substring(0, end);
      }
      line.append((char) b);
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /**
   * A buffer before the socket without {@link java.io.BufferedInputStream}'s lock, which it takes
   * on every one-byte read: a head of 600 bytes took 600 locks, twice per {@code GET /profiles}.
   * One thread reads a connection.
   */
  private static final class Buffered extends InputStream {
    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int next;
    private int end;

    Buffered(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (next == end && fill() < 0) {
        return -1;
      }
      return buffer[next++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (next == end) {
        if (len >= buffer.length) {
          return in.read(b, off, len);
        }
        if (fill() < 0) {
          return -1;
        }
      }
      int n = Math.min(len, end - next);
      System.arraycopy(buffer, next, b, off, n);
      next += n;
      return n;
    }

    private int fill() throws IOException {
      int n = in.read(buffer, 0, buffer.length);
      next = 0;
      end = Math.max(n, 0);
      return n;
    }
  }

  /** A request head: its line's method and target, and its header lines. */
  private record Head(String method, String target, List<String> lines) {
    static Head parse(byte[] bytes) {
      String[] all = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = all[0].split(" ", -1);
      boolean wellFormed =
          requestLine.length == 3
              && !requestLine[0].isEmpty()
              && !requestLine[1].isEmpty()
              && requestLine[2].startsWith("HTTP/");
      List<String> lines = new ArrayList<>();
      for (int i = 1; i < all.length; i++) {
        lines.add(all[i]);
      }
      return new Head(
          wellFormed ? requestLine[0] : null, wellFormed ? requestLine[1] : null, lines);
    }

    /** Every value of a header, by case-insensitive name, in order. */
    List<String> values(String name) {
      List<String> values = new ArrayList<>();
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          values.add(line.substring(colon + 1).trim());
        }
      }
      return values;
    }
  }
}
