package dev.whereabouts.ops;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * moto_server (a local stand-in for AWS APIs, from {@code pip install 'moto[server]'}) started on a
 * loopback port for these tests and stopped after them. Where it is not installed the tests say so:
 * CI ({@code CI=true}) fails, a developer machine skips with the install command.
 */
final class MotoServer implements AutoCloseable {
  static final String INSTALL =
      "moto_server is not installed: python3 -m pip install -r deploy/python-tools.txt";

  private final Process process;
  private final String endpoint;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.endpoint = "http://127.0.0.1:" + port;
  }

  static MotoServer start() throws Exception {
    String executable = find();
    if (executable == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(INSTALL);
      }
      assumeTrue(false, INSTALL);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto", ".log");
    Process p =
        new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return new MotoServer(p, port);
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          fail("moto_server exited: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("moto_server did not listen within 30 s");
  }

  private static String find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "moto_server");
      if (f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }

  String endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
