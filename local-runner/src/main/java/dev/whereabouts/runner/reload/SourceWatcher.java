package dev.whereabouts.runner.reload;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The file side of {@code --watch}: every folder under the watched modules' sources, and the
 * template's folder, turned into changes: which modules' {@code .java} files changed, and whether
 * template.yaml did. An editor's save comes in several steps (a temporary file, a rename, a touch),
 * so a change is complete only once the file system has been quiet for a moment.
 */
final class SourceWatcher implements AutoCloseable {
  /** What changed: modules by name, and template.yaml. */
  static final class Change {
    final Set<String> modules = new LinkedHashSet<>();
    boolean template;

    boolean relevant() {
      return template || !modules.isEmpty();
    }
  }

  private final Path template;
  private final Duration quiet;
  private final Consumer<String> log;
  private final WatchService watcher;
  private final Map<WatchKey, Path> folders = new HashMap<>();

  /** Watches the template's folder (its own files, not below). */
  SourceWatcher(Path template, Duration quiet, Consumer<String> log) throws IOException {
    this.template = template;
    this.quiet = quiet;
    this.log = log;
    this.watcher = FileSystems.getDefault().newWatchService();
    register(template.getParent());
  }

  /** Watches {@code folder} and every folder below it. */
  void watchTree(Path folder) throws IOException {
    try (Stream<Path> dirs = Files.walk(folder)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        register(d);
      }
    }
  }

  private void register(Path folder) throws IOException {
    folders.put(
        folder.register(
            watcher,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE),
        folder);
  }

  /**
   * Waits for the next relevant change, tells {@code busy} as soon as it starts, then collects
   * until the file system is quiet.
   *
   * @param modules the modules watched now
   * @throws java.nio.file.ClosedWatchServiceException once closed
   */
  Change next(Supplier<Collection<SourceModule>> modules, Runnable busy)
      throws InterruptedException {
    while (true) {
      WatchKey key = watcher.take();
      Change change = new Change();
      read(key, change, modules.get());
      if (!change.relevant()) {
        continue;
      }
      busy.run();
      while ((key = watcher.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
        read(key, change, modules.get());
      }
      return change;
    }
  }

  private void read(WatchKey key, Change change, Collection<SourceModule> modules) {
    Path folder = folders.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        modules.forEach(m -> change.modules.add(m.name()));
        change.template = true;
        continue;
      }
      if (folder == null) {
        continue;
      }
      Path path = folder.resolve((Path) event.context());
      if (path.equals(template)) {
        change.template = true;
        continue;
      }
      for (SourceModule m : modules) {
        if (!path.startsWith(m.sources())) {
          continue;
        }
        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path)) {
          try {
            watchTree(path);
          } catch (IOException e) {
            log.accept("--watch: cannot watch " + path + ": " + e.getMessage());
          }
          change.modules.add(m.name());
        } else if (path.toString().endsWith(".java")) {
          change.modules.add(m.name());
        }
      }
    }
    if (!key.reset()) {
      folders.remove(key);
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
