package dev.whereabouts.runner.console;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The runner's console. Functions share the JVM's {@code System.out}, so the runner replaces it
 * with a stream that knows which function the writing thread belongs to (an inheritable
 * thread-local set by the function's environment thread): each complete line is printed once,
 * prefixed with the function's name (coloured on a terminal), and EMF lines are also counted into
 * {@link LocalMetrics}.
 */
public final class Console {
  private static final String[] COLOURS = {
    "\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m", "\u001b[34m", "\u001b[91m"
  };
  private static final String RESET = "\u001b[0m";
  private static final InheritableThreadLocal<String> FUNCTION = new InheritableThreadLocal<>();

  private final PrintStream out;
  private final boolean colour;
  private final LocalMetrics metrics;
  private final boolean quietEmf;
  private final ThreadLocal<ByteArrayOutputStream> pending =
      ThreadLocal.withInitial(ByteArrayOutputStream::new);

  /**
   * @param out the real standard output
   * @param colour whether to colour function names (a terminal)
   * @param quietEmf whether to hide EMF lines (they are collected either way)
   */
  public Console(PrintStream out, boolean colour, LocalMetrics metrics, boolean quietEmf) {
    this.out = out;
    this.colour = colour;
    this.metrics = metrics;
    this.quietEmf = quietEmf;
  }

  /** Runs {@code task} with its output (and its child threads' output) attributed to a function. */
  public static void as(String function, Runnable task) {
    FUNCTION.set(function);
    try {
      task.run();
    } finally {
      FUNCTION.remove();
    }
  }

  /** Installs the routing stream as {@code System.out} and {@code System.err}. */
  public void install() {
    PrintStream routed = new PrintStream(new Router(), true, StandardCharsets.UTF_8);
    System.setOut(routed);
    System.setErr(routed);
  }

  private volatile LogFile file;

  /** Also writes every line to {@code file} (the searchable log, see {@link LogFile}). */
  public void logTo(LogFile file) {
    this.file = file;
  }

  /** Prints a line of the runner's own. */
  public void runner(String line) {
    synchronized (out) {
      out.println((colour ? "\u001b[1m" : "") + "runner  " + (colour ? RESET : "") + "| " + line);
    }
    // The console first: the file must not delay what a watching user (or test) reads.
    LogFile f = file;
    if (f != null) {
      f.write("runner", line);
    }
  }

  private void line(String function, String text) {
    if (function != null && metrics.offer(text) && quietEmf) {
      return;
    }
    String name = function == null ? "runner" : function;
    String label = String.format("%-7s", name.length() > 20 ? name.substring(0, 20) : name);
    synchronized (out) {
      if (colour) {
        out.println(
            COLOURS[Math.floorMod(name.hashCode(), COLOURS.length)] + label + RESET + "| " + text);
      } else {
        out.println(label + "| " + text);
      }
    }
    LogFile f = file;
    if (f != null) {
      f.write(name, text);
    }
  }

  private final class Router extends OutputStream {
    @Override
    public void write(int b) {
      ByteArrayOutputStream buffer = pending.get();
      if (b == '\n') {
        flushLine(buffer);
      } else {
        buffer.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void flushLine(ByteArrayOutputStream buffer) {
      String text = buffer.toString(StandardCharsets.UTF_8);
      buffer.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      line(FUNCTION.get(), text);
    }
  }
}
