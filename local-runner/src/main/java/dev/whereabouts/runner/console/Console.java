package dev.whereabouts.runner.console;

import dev.whereabouts.runner.lambda.TraceHeader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The runner's console. Functions share the JVM's {@code System.out}, so the runner replaces it
 * with a stream that knows which function, of which runner, the writing thread belongs to (an
 * inheritable thread-local set by the function's environment thread): each complete line is printed
 * once, prefixed with the function's name (coloured on a terminal), and EMF lines are also counted
 * into {@link LocalMetrics}.
 *
 * <p>The routing stream is one per JVM and routes by the thread's console, not by which runner
 * installed itself last: several runners in one JVM (tests) each keep their functions' lines. Lines
 * of threads that belong to no function go to the console installed last.
 */
public final class Console {
  private static final String[] COLOURS = {
    "\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m", "\u001b[34m", "\u001b[91m"
  };
  private static final String RESET = "\u001b[0m";
  private static final InheritableThreadLocal<Route> ROUTE = new InheritableThreadLocal<>();
  private static final ThreadLocal<ByteArrayOutputStream> PENDING =
      ThreadLocal.withInitial(ByteArrayOutputStream::new);
  // Set while a console prints: a console's own stream may lead back to System.out (a tee of the
  // stream a test found there), and those bytes must not be routed again.
  private static final ThreadLocal<Boolean> PRINTING = ThreadLocal.withInitial(() -> false);
  private static final Object INSTALL = new Object();
  private static PrintStream routed;
  private static PrintStream original;
  private static volatile Console latest;

  private record Route(Console console, String function) {}

  private final PrintStream out;
  private final boolean colour;
  private final LocalMetrics metrics;
  private final boolean quietEmf;

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

  /**
   * Runs {@code task} with its output (and its child threads' output) attributed to a function of
   * this console's runner.
   */
  public void as(String function, Runnable task) {
    Route before = ROUTE.get();
    ROUTE.set(new Route(this, function));
    try {
      task.run();
    } finally {
      if (before == null) {
        ROUTE.remove();
      } else {
        ROUTE.set(before);
      }
    }
  }

  /**
   * Installs the routing stream as {@code System.out} and {@code System.err} (once per JVM) and
   * makes this console the one for lines that belong to no function.
   */
  public void install() {
    synchronized (INSTALL) {
      if (routed == null || System.out != routed) {
        if (routed == null) {
          original = System.out;
        }
        routed = new PrintStream(new Router(), true, StandardCharsets.UTF_8);
        System.setOut(routed);
        System.setErr(routed);
      }
      latest = this;
    }
  }

  /**
   * {@code stream}, or the stream it replaced when {@code stream} is the routing stream that {@link
   * #install} made {@code System.out}. A console must print to a stream that does not lead back
   * into the routing stream: a function's line holds that stream's lock while its console prints,
   * so a console printing through it (a tee of {@code System.out}, say) waits for the lock the
   * function holds while the function waits for the console's, and both stop.
   */
  public static PrintStream unrouted(PrintStream stream) {
    synchronized (INSTALL) {
      return stream == routed && original != null ? original : stream;
    }
  }

  /** The console installed last (for tests that install consoles of their own and put it back). */
  static Console installed() {
    return latest;
  }

  private volatile LogFile file;

  /** Also writes every line to {@code file} (the searchable log, see {@link LogFile}). */
  public void logTo(LogFile file) {
    this.file = file;
  }

  /** Prints a line of the runner's own. */
  public void runner(String text) {
    String line = Printable.of(text);
    print((colour ? "\u001b[1m" : "") + "runner  " + (colour ? RESET : "") + "| " + line);
    // The console first: the file must not delay what a watching user (or test) reads.
    LogFile f = file;
    if (f != null) {
      f.write("runner", line, TraceHeader.root(TraceHeader.current()));
    }
  }

  private void line(String function, String text) {
    if (function != null && metrics.offer(text) && quietEmf) {
      return;
    }
    String name = function == null ? "runner" : function;
    String label = label(name);
    String shown = Printable.of(text);
    if (colour) {
      print(COLOURS[Math.floorMod(name.hashCode(), COLOURS.length)] + label + RESET + "| " + shown);
    } else {
      print(label + "| " + shown);
    }
    LogFile f = file;
    if (f != null) {
      f.write(name, text, TraceHeader.root(TraceHeader.current()));
    }
  }

  /** The name cut to 20 characters and padded to 7, as {@code %-7s} would (without a Formatter). */
  private static String label(String name) {
    String cut = name.length() > 20 ? name.substring(0, 20) : name;
    return cut.length() >= 7 ? cut : cut + " ".repeat(7 - cut.length());
  }

  private void print(String line) {
    boolean was = PRINTING.get();
    PRINTING.set(true);
    try {
      // One write of the line and its end: println writes them apart, and System.out's own
      // stream flushes each (two system calls per line, on every request's lines).
      byte[] bytes = (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
      synchronized (out) {
        out.write(bytes, 0, bytes.length);
        out.flush();
      }
    } finally {
      PRINTING.set(was);
    }
  }

  private static final class Router extends OutputStream {
    @Override
    public void write(int b) {
      if (PRINTING.get()) {
        PrintStream o = original;
        if (o != null) {
          o.write(b);
        }
        return;
      }
      ByteArrayOutputStream buffer = PENDING.get();
      if (b == '\n') {
        flushLine(buffer);
      } else {
        buffer.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      // Every function's log line passes here: the thread-locals are read once per write, and the
      // bytes between line ends are copied at once, not byte by byte.
      if (PRINTING.get()) {
        PrintStream o = original;
        if (o != null) {
          o.write(b, off, len);
        }
        return;
      }
      ByteArrayOutputStream buffer = PENDING.get();
      int from = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          buffer.write(b, from, i - from);
          flushLine(buffer);
          from = i + 1;
        }
      }
      buffer.write(b, from, off + len - from);
    }

    private void flushLine(ByteArrayOutputStream buffer) {
      String text = buffer.toString(StandardCharsets.UTF_8);
      buffer.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      Route route = ROUTE.get();
      if (route != null) {
        route.console().line(route.function(), text);
      } else {
        Console console = latest;
        if (console != null) {
          console.line(null, text);
        }
      }
    }

    @Override
    public void flush() {
      if (PRINTING.get() && original != null) {
        original.flush();
      }
    }
  }
}
