package dev.whereabouts.runner.cli;

/** What the runner's subcommands (fault, logs, generate-event) share in reading their options. */
final class OptionValues {
  private OptionValues() {}

  /**
   * The value of {@code option} at {@code args[i]}.
   *
   * @throws IllegalArgumentException when it is missing or is the next option
   */
  static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
