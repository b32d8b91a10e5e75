package dev.whereabouts.runner.cli;

import java.io.PrintStream;

/** The runner's command-line subcommands, for tests in other packages. */
public final class Subcommands {
  private Subcommands() {}

  /** {@code java -jar local-runner.jar logs ARGS}. */
  public static int logs(PrintStream out, PrintStream err, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "logs";
    System.arraycopy(args, 0, all, 1, args.length);
    return LogsCommand.run(all, out, err);
  }

  /** {@code java -jar local-runner.jar fault ARGS}. */
  public static int fault(PrintStream out, PrintStream err, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "fault";
    System.arraycopy(args, 0, all, 1, args.length);
    return FaultCommand.run(all, out, err);
  }
}
