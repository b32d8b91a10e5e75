package dev.whereabouts.runner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsoleTest {
  private PrintStream savedOut;
  private PrintStream savedErr;
  private Console savedConsole;

  @BeforeEach
  void save() {
    savedOut = System.out;
    savedErr = System.err;
    savedConsole = Console.installed();
  }

  @AfterEach
  void restore() {
    System.setOut(savedOut);
    System.setErr(savedErr);
    if (savedConsole != null) {
      savedConsole.install(); // a runner of this JVM (the shared suite) gets its console back
    }
  }

  private static String text(ByteArrayOutputStream b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aStreamForAConsoleNeverLeadsBackIntoTheRoutingStream() {
    new Console(new PrintStream(new ByteArrayOutputStream()), false, new LocalMetrics(), false)
        .install();
    PrintStream routing = System.out;
    PrintStream replaced = Console.unrouted(routing);
    PrintStream elsewhere = new PrintStream(new ByteArrayOutputStream());

    assertTrue(replaced != routing, "the routing stream is never a console's");
    assertTrue(Console.unrouted(replaced) == replaced, "what it replaced is not routed");
    assertTrue(Console.unrouted(elsewhere) == elsewhere, "any other stream is kept");
  }

  @Test
  void aFunctionsLinesReachItsOwnRunnersConsoleAfterAnotherRunnerInstalledItself()
      throws Exception {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    Console a = new Console(new PrintStream(first, true), false, new LocalMetrics(), false);
    a.install();
    // The second runner's console writes to what it found as System.out (as a test's tee does).
    Console b = new Console(new PrintStream(second, true), false, new LocalMetrics(), false);
    b.install();

    Thread t = new Thread(() -> a.as("Alpha", () -> System.out.println("from alpha")));
    t.start();
    t.join();
    b.as("Beta", () -> System.out.println("from beta"));
    System.out.println("no function");

    assertTrue(text(first).contains("Alpha  | from alpha"), text(first));
    assertTrue(!text(first).contains("from beta"), text(first));
    assertTrue(text(second).contains("Beta   | from beta"), text(second));
    assertTrue(!text(second).contains("from alpha"), text(second));
    // Lines of no function go to the console installed last.
    assertTrue(text(second).contains("runner | no function"), text(second));
  }

  @Test
  void aConsoleWritingBackIntoSystemOutPrintsEachLineOnce() {
    Console a =
        new Console(new PrintStream(new ByteArrayOutputStream()), false, new LocalMetrics(), false);
    a.install();
    ByteArrayOutputStream tee = new ByteArrayOutputStream();
    PrintStream routed = System.out;
    // A console whose stream leads back into the routed System.out (a tee of it) must not loop.
    PrintStream back =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int c) {
                tee.write(c);
                routed.write(c);
              }
            },
            true);
    Console b = new Console(back, false, new LocalMetrics(), false);
    b.install();
    b.as("Gamma", () -> System.out.println("once"));
    String s = text(tee);
    assertEquals(1, s.split("once", -1).length - 1, s);
  }

  @Test
  void linesWrittenInPiecesOrManyAtOnceArePrintedOneByOneWithTheirFunctionsName() throws Exception {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    Console a = new Console(new PrintStream(seen, true), false, new LocalMetrics(), false);
    a.install();
    // On a thread of its own: the unfinished line stays pending on it, not on the test's thread.
    Thread t =
        new Thread(
            () ->
                a.as(
                    "Delta",
                    () -> {
                      byte[] pieces =
                          "half a line, then the rest\nsecond\r\nthird\n"
                              .getBytes(StandardCharsets.UTF_8);
                      System.out.write(pieces, 0, 7);
                      System.out.write(pieces, 7, pieces.length - 7);
                      System.out.print("no end yet");
                      System.out.flush();
                    }));
    t.start();
    t.join();
    assertEquals(
        "Delta  | half a line, then the rest\nDelta  | second\nDelta  | third\n",
        text(seen).replace(System.lineSeparator(), "\n"));
  }
}
