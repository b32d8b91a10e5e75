package dev.whereabouts.runner.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * A folder only its owner can read or write, for the runner's logs (which hold request ids, user
 * ids and everything the functions print): created 0700, files in it 0600, owned by the user
 * running the runner; a folder or file that is a symbolic link, belongs to someone else or is open
 * to others is refused, never followed (another local user could otherwise plant a link that makes
 * the runner append to, or {@code logs} read, a file of their choosing).
 */
public final class PrivateFolder {
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFolder() {}

  /**
   * The default home of the runner's runs: {@code $XDG_CACHE_HOME/whereabouts/runs}, or {@code
   * ~/.cache/whereabouts/runs}, never a shared temporary folder.
   */
  public static Path runs() {
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base =
        cache != null && cache.startsWith("/")
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("whereabouts").resolve("runs");
  }

  /**
   * Creates {@code dir} (and its missing parents) private, or checks an existing one.
   *
   * @throws IOException naming what is wrong: a link, another owner, access for others
   */
  public static Path create(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // created meanwhile: checked below like any existing one
      }
    }
    check(dir);
    Set<PosixFilePermission> now =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .permissions();
    if (!now.equals(FOLDER)) {
      // The user's own folder, made by an older runner (0755): closed now.
      Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(FOLDER);
    }
    return dir;
  }

  /** Refuses {@code dir} unless it is a folder of the user's own and not a link. */
  public static void check(Path dir) throws IOException {
    PosixFileAttributes attributes = attributes(dir);
    if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
      throw new IOException(dir + " is not a folder (a link is never followed)");
    }
    requireOwn(dir, attributes);
  }

  /** Opens {@code file} in a private folder for appending: created 0600, never through a link. */
  public static OutputStream append(Path file) throws IOException {
    OutputStream out =
        Channels.newOutputStream(
            Files.newByteChannel(
                file,
                Set.of(
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(FILE)));
    try {
      PosixFileAttributes attributes = attributes(file);
      requireOwn(file, attributes);
      if (!attributes.permissions().equals(FILE)) {
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(FILE);
      }
    } catch (IOException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** Opens {@code file} for reading, never through a link, only when it is the user's own. */
  public static InputStream read(Path file) throws IOException {
    InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    try {
      requireOwn(file, attributes(file));
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return in;
  }

  /** Whether {@code file} is a regular file, not a link. */
  public static boolean isFile(Path file) {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
  }

  private static PosixFileAttributes attributes(Path path) throws IOException {
    return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static void requireOwn(Path path, PosixFileAttributes attributes) throws IOException {
    UserPrincipal me =
        FileSystems.getDefault()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(System.getProperty("user.name"));
    if (!attributes.owner().equals(me)) {
      throw new IOException(path + " belongs to " + attributes.owner().getName() + ", not to you");
    }
  }
}
