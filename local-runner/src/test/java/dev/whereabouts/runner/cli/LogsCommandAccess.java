package dev.whereabouts.runner.cli;

import java.nio.file.Path;
import java.util.Optional;

/** The {@code logs} command's default folder, for tests in other packages. */
public final class LogsCommandAccess {
  private LogsCommandAccess() {}

  public static Path logDir(int port) {
    return LogsCommand.logDir(Optional.empty(), port);
  }
}
