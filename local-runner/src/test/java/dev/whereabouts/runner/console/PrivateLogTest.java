package dev.whereabouts.runner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's log is private: its folder 0700, its files 0600, never reached through a link
 * another local user planted; and nothing it prints can drive the user's terminal.
 */
class PrivateLogTest {
  @TempDir Path home;

  @Test
  void theLogFolderAndItsFilesAreTheUsersAlone() throws IOException {
    Path dir = home.resolve("runs").resolve("3000").resolve("logs");
    try (LogFile log = new LogFile(dir, 1 << 20, Clock.systemUTC())) {
      log.write("runner", "ready");
    }
    assertEquals("rwx------", permissions(dir));
    assertEquals("rw-------", permissions(LogFile.current(dir)));
  }

  @Test
  void aFolderAnOlderRunnerLeftOpenIsClosed() throws IOException {
    Path dir = Files.createDirectories(home.resolve("data").resolve("logs"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(LogFile.current(dir), "");
    Files.setPosixFilePermissions(
        LogFile.current(dir), PosixFilePermissions.fromString("rw-r--r--"));
    try (LogFile log = new LogFile(dir, 1 << 20, Clock.systemUTC())) {
      log.write("runner", "ready");
    }
    assertEquals("rwx------", permissions(dir));
    assertEquals("rw-------", permissions(LogFile.current(dir)));
  }

  @Test
  void aPlantedLinkIsNeverFollowed() throws IOException {
    Path victim = Files.writeString(home.resolve("victim.txt"), "untouched\n");
    Path dir = Files.createDirectories(home.resolve("planted"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(LogFile.current(dir), victim);
    assertThrows(IOException.class, () -> new LogFile(dir, 1 << 20, Clock.systemUTC()));
    assertEquals("untouched\n", Files.readString(victim));

    Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
    Path linkedFolder = Files.createSymbolicLink(home.resolve("linked"), elsewhere);
    assertThrows(IOException.class, () -> new LogFile(linkedFolder, 1 << 20, Clock.systemUTC()));
    assertFalse(Files.exists(LogFile.current(elsewhere), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void withoutADataDirTheLogIsInTheUsersCacheNotASharedTemporaryFolder() {
    Path dir = dev.whereabouts.runner.cli.LogsCommandAccess.logDir(3000);
    assertFalse(
        dir.startsWith(Path.of(System.getProperty("java.io.tmpdir"))),
        dir + " is in the shared temporary folder");
    assertTrue(
        dir.startsWith(Path.of(System.getProperty("user.home")))
            || System.getenv("XDG_CACHE_HOME") != null,
        dir.toString());
  }

  @Test
  void controlCharactersNeverReachTheConsole() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Console console = new Console(new PrintStream(printed, true), false, new LocalMetrics(), false);
    console.runner("G\u001b[31mET /profiles/x 400");
    console.as("ProfileFunction", () -> System.out.println("bell\u0007 csi\u009b2J end"));
    String text = printed.toString(StandardCharsets.UTF_8);
    for (char c : text.toCharArray()) {
      assertFalse(
          (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f),
          "a control character U+" + Integer.toHexString(c) + " in: " + text);
    }
    assertTrue(text.contains("G\\u001b[31mET"), text);
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }
}
