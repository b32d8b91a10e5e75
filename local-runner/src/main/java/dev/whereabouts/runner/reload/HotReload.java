package dev.whereabouts.runner.reload;

import dev.whereabouts.runner.lambda.CompiledClasses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * {@code --watch}: watches the sources of every function's module and of the modules they depend on
 * (shared-lib), and template.yaml. A saved {@code .java} file recompiles its module and the modules
 * that use it, in this JVM; the functions of those modules then run the new classes from the next
 * request on. A compile error is printed with file, line and message, and the previous classes keep
 * serving until a save compiles again.
 *
 * <p>Requests wait while a change is being applied ({@link #awaitSettled()}): a request sent right
 * after a save runs the saved code, not the code from before it.
 */
public final class HotReload implements AutoCloseable {
  /**
   * How long the file system must stay quiet before a change is applied (editors save in steps).
   */
  private static final Duration QUIET = Duration.ofMillis(40);

  /** The longest a request waits for a change to be applied before it runs the previous code. */
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

  /** What a change applies to: the runner. */
  public interface Target {
    /** A function module was compiled anew; its functions run these classes from now on. */
    void load(String module, CompiledClasses classes);

    /**
     * template.yaml changed: re-read it.
     *
     * @return function module → jar as the template now says, or empty when it could not be read
     *     (the runner then keeps the previous template's suite)
     */
    Optional<Map<String, Path>> templateChanged();
  }

  /** How long {@link #close} waits for a compile under way to end (a cold javac: seconds). */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final Path root;
  private final Path template;
  private final Consumer<String> log;
  private final Target target;
  private final Optional<ModuleCompiler> compiler;
  private final SourceWatcher sources;
  private final Map<String, SourceModule> modules = new LinkedHashMap<>();
  private final Map<String, ModuleCompiler.Result> compiled = new HashMap<>();
  private final Map<String, CompiledClasses> loaded = new ConcurrentHashMap<>();
  private final Map<String, CompiledClasses> fromJars = new ConcurrentHashMap<>();
  private final Set<String> failing = new LinkedHashSet<>();
  private final Thread thread;
  private Thread warmUp;
  private long builds;
  private Set<String> initial = Set.of();
  private volatile boolean pending = true;
  private volatile boolean closed;

  private HotReload(Path template, Consumer<String> log, Target target) throws IOException {
    this.template = template.toAbsolutePath().normalize();
    this.root = this.template.getParent();
    this.log = log;
    this.target = target;
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    this.compiler =
        Optional.ofNullable(javac)
            .map(j -> new ModuleCompiler(j, root, Integer.toString(Runtime.version().feature())));
    this.sources = new SourceWatcher(this.template, QUIET, log);
    this.thread = new Thread(this::run, "hot-reload");
    this.thread.setDaemon(true);
  }

  /**
   * Starts watching. Functions run from their jars until a source changes, unless a module's
   * sources are already newer than its jar: those are compiled first, in the background, and
   * requests wait for it ({@link #awaitSettled()}).
   *
   * @param jars function module (the CodeUri's first folder) → its jar
   */
  public static HotReload start(
      Path template, Map<String, Path> jars, Consumer<String> log, Target target)
      throws IOException {
    HotReload reload = new HotReload(template, log, target);
    Set<String> found = reload.track(jars);
    reload.initial = reload.newerThanJars(found);
    reload.thread.start();
    Optional<SourceModule> function =
        reload.modules.values().stream().filter(m -> m.jar().isPresent()).findFirst();
    if (reload.compiler.isPresent() && function.isPresent()) {
      Thread warmUp = new Thread(() -> reload.warmUp(function.get()), "hot-reload-warm-up");
      warmUp.setDaemon(true);
      warmUp.setPriority(Thread.MIN_PRIORITY);
      reload.warmUp = warmUp;
      warmUp.start();
    }
    return reload;
  }

  /** The modules whose sources changed since their jar was built (edited before the start). */
  private Set<String> newerThanJars(Set<String> names) throws IOException {
    Set<String> stale = new LinkedHashSet<>();
    for (String name : names) {
      SourceModule m = modules.get(name);
      List<Path> jars = new ArrayList<>();
      m.jar().ifPresent(jars::add);
      modules.values().stream()
          .filter(u -> u.libraries().contains(name))
          .forEach(u -> u.jar().ifPresent(jars::add));
      long built = Long.MAX_VALUE;
      for (Path jar : jars) {
        built = Math.min(built, Files.getLastModifiedTime(jar).toMillis());
      }
      try (Stream<Path> files = Files.walk(m.sources())) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (Files.getLastModifiedTime(f).toMillis() > built) {
            stale.add(name);
            break;
          }
        }
      }
    }
    return stale;
  }

  /**
   * Compiles one module once, into a folder thrown away, so the first save finds the compiler's own
   * classes loaded and JIT-compiled: a cold javac takes seconds, a warm one a few hundred
   * milliseconds. It serves nothing, so requests never wait for it.
   */
  private void warmUp(SourceModule m) {
    Path scratch = outputs(m).resolve("warm-up");
    try {
      compiler.orElseThrow().compile(m, List.of(m.jar().orElseThrow()), scratch);
    } catch (IOException | RuntimeException e) {
      // only a warm-up: the first save pays for a cold compiler instead
    } finally {
      ModuleCompiler.delete(scratch);
    }
  }

  /**
   * The classes of ours a function module runs now: the last compile's, or until its first compile
   * the jar's own copies of them, so that the function's dependency loader never loads a class of
   * ours and lives from the start ({@link CompiledClasses#NONE} for a module not watched).
   */
  public CompiledClasses classesFor(String module) {
    CompiledClasses compiledNow = loaded.get(module);
    if (compiledNow != null) {
      return compiledNow;
    }
    SourceModule m = modules.get(module);
    if (m == null || m.jar().isEmpty()) {
      return CompiledClasses.NONE;
    }
    return fromJars.computeIfAbsent(module, k -> jarClasses(m, concat(m.libraries(), m.name())));
  }

  /** The jar's copies of the classes in these modules' packages. */
  private CompiledClasses jarClasses(SourceModule m, List<String> of) {
    try {
      Set<String> packages = new HashSet<>();
      for (String name : of) {
        packages.addAll(packagesOf(name));
      }
      Map<String, byte[]> classes = new HashMap<>();
      try (ZipFile jar = new ZipFile(m.jar().get().toFile())) {
        for (ZipEntry e : Collections.list(jar.entries())) {
          String entry = e.getName();
          int slash = entry.lastIndexOf('/');
          if (entry.endsWith(".class")
              && slash > 0
              && packages.contains(entry.substring(0, slash).replace('/', '.'))) {
            try (InputStream in = jar.getInputStream(e)) {
              classes.put(
                  entry.substring(0, entry.length() - ".class".length()).replace('/', '.'),
                  in.readAllBytes());
            }
          }
        }
      }
      return new CompiledClasses(classes);
    } catch (IOException e) {
      log.accept("--watch: cannot read " + m.jar().get() + ": " + e.getMessage());
      return CompiledClasses.NONE;
    }
  }

  /** The packages a module's sources declare (by folder, as javac and Maven expect them). */
  private Set<String> packagesOf(String module) throws IOException {
    Path sources = modules.get(module).sources();
    Set<String> packages = new HashSet<>();
    try (Stream<Path> files = Files.walk(sources)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .forEach(
              f -> packages.add(sources.relativize(f.getParent()).toString().replace('/', '.')));
    }
    return packages;
  }

  private static List<String> concat(List<String> first, String last) {
    List<String> all = new ArrayList<>(first);
    all.add(last);
    return all;
  }

  /** Waits until no change is being applied (at most a minute). */
  public void awaitSettled() {
    if (!pending) {
      return; // the usual case, without taking the lock
    }
    synchronized (this) {
      waitWhilePending();
    }
  }

  private void waitWhilePending() {
    long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
    while (pending && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized void settle(boolean busy) {
    pending = busy;
    if (!busy) {
      notifyAll();
    }
  }

  /** Finds and watches the modules of these functions; returns the modules newly found. */
  private Set<String> track(Map<String, Path> jars) throws IOException {
    Set<String> added = new LinkedHashSet<>();
    List<SourceModule> found = MavenModules.find(root, jars);
    if (!found.isEmpty() && compiler.isEmpty()) {
      log.accept(
          "--watch: this Java has no compiler (a JRE?): sources are not watched; jars are"
              + " reloaded when rebuilt. Run the runner with a JDK to reload from source.");
      return added;
    }
    for (SourceModule m : found) {
      boolean isNew;
      synchronized (modules) {
        isNew = modules.putIfAbsent(m.name(), m) == null;
      }
      if (isNew) {
        added.add(m.name());
        ModuleCompiler.delete(outputs(m)); // a previous run's builds
        sources.watchTree(m.sources());
      }
    }
    return added;
  }

  /** The modules watched, libraries first. */
  public List<String> modules() {
    synchronized (modules) {
      return List.copyOf(modules.keySet());
    }
  }

  private void run() {
    if (!initial.isEmpty()) {
      rebuild(initial);
    }
    settle(false);
    while (!closed) {
      try {
        apply(sources.next(this::watched, () -> settle(true)));
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException | IOException e) {
        log.accept("--watch: " + e);
      } finally {
        settle(false);
      }
    }
  }

  private List<SourceModule> watched() {
    synchronized (modules) {
      return List.copyOf(modules.values());
    }
  }

  private void apply(SourceWatcher.Change change) throws IOException {
    Set<String> dirty = new LinkedHashSet<>(change.modules);
    if (change.template) {
      long start = System.nanoTime();
      Optional<Map<String, Path>> jars = target.templateChanged();
      if (jars.isPresent()) {
        dirty.addAll(track(jars.get()));
        log.accept(
            String.format("template.yaml reloaded in %.0f ms", (System.nanoTime() - start) / 1e6));
      }
    }
    if (!dirty.isEmpty()) {
      rebuild(dirty);
    }
  }

  /**
   * Compiles the changed modules, the modules that use them and the ones that failed last time,
   * libraries first. A function module whose compile (or a library's) fails keeps its previous
   * classes; the others load theirs.
   */
  private void rebuild(Set<String> changed) {
    long start = System.nanoTime();
    Set<String> affected = new LinkedHashSet<>();
    for (SourceModule m : modules.values()) {
      boolean uses = m.libraries().stream().anyMatch(changed::contains);
      if (changed.contains(m.name()) || uses || failing.contains(m.name())) {
        affected.add(m.name());
      }
    }
    Map<String, ModuleCompiler.Result> fresh = new LinkedHashMap<>();
    Set<String> failed = new LinkedHashSet<>();
    List<String> errors = new ArrayList<>();
    for (String name : affected) {
      SourceModule m = modules.get(name);
      if (m.libraries().stream().anyMatch(failed::contains)) {
        failed.add(name);
        continue;
      }
      ModuleCompiler.Result result;
      try {
        result = compiler.orElseThrow().compile(m, classpath(m, fresh), output(m));
      } catch (IOException e) {
        result = new ModuleCompiler.Result(output(m), Map.of(), List.of(name + ": " + e));
      }
      if (result.ok()) {
        fresh.put(name, result);
      } else {
        ModuleCompiler.delete(result.output());
        failed.add(name);
        errors.addAll(result.errors());
      }
    }
    failing.removeAll(affected);
    failing.addAll(failed);
    // Library outputs are the classpath of later compiles; a function module's are read already.
    fresh.forEach(
        (name, result) -> {
          Optional.ofNullable(compiled.put(name, result))
              .ifPresent(old -> ModuleCompiler.delete(old.output()));
        });
    List<String> reloaded = new ArrayList<>();
    for (String name : affected) {
      SourceModule m = modules.get(name);
      if (m.jar().isEmpty() || failed.contains(name)) {
        continue;
      }
      Map<String, byte[]> classes = new HashMap<>();
      for (String library : m.libraries()) {
        ModuleCompiler.Result r = compiled.get(library);
        // A library not changed since the start is served from the jar, as Maven built it.
        classes.putAll(r != null ? r.classes() : jarClasses(m, List.of(library)).classes());
      }
      classes.putAll(compiled.get(name).classes());
      CompiledClasses snapshot = new CompiledClasses(classes);
      loaded.put(name, snapshot);
      target.load(name, snapshot);
      reloaded.add(name);
    }
    double ms = (System.nanoTime() - start) / 1e6;
    if (!fresh.isEmpty()) {
      log.accept(
          String.format(
              "compiled %s in %.0f ms%s",
              String.join(", ", fresh.keySet()),
              ms,
              reloaded.isEmpty() ? "" : "; the next request runs it"));
    }
    if (!failed.isEmpty()) {
      log.accept(
          "compile failed: "
              + String.join(", ", failed)
              + " keep"
              + (failed.size() == 1 ? "s" : "")
              + " running the code of the last good compile; save a fix to reload");
      errors.forEach(log);
    }
  }

  private List<Path> classpath(SourceModule m, Map<String, ModuleCompiler.Result> fresh) {
    List<Path> classpath = new ArrayList<>();
    for (String library : m.libraries()) {
      ModuleCompiler.Result r = fresh.getOrDefault(library, compiled.get(library));
      if (r != null) {
        classpath.add(r.output());
      }
    }
    // The third-party dependencies, and the libraries not compiled here yet, from the jars Maven
    // shaded (see docs/decisions/0010).
    if (m.jar().isPresent()) {
      classpath.add(m.jar().get());
    } else {
      for (SourceModule user : modules.values()) {
        if (user.libraries().contains(m.name()) && user.jar().isPresent()) {
          classpath.add(user.jar().get());
        }
      }
    }
    return classpath;
  }

  private Path output(SourceModule m) {
    return outputs(m).resolve(Long.toString(++builds));
  }

  /** Where a module's builds go: beside Maven's, so {@code mvn clean} removes them. */
  private static Path outputs(SourceModule m) {
    return m.sources().getParent().getParent().getParent().resolve("target/hot-reload");
  }

  @Override
  public void close() {
    closed = true;
    try {
      sources.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    thread.interrupt();
    synchronized (this) {
      notifyAll();
    }
    // A compile under way (the warm-up right after start, or a save's) still writes class files
    // into the template's folder: a closed runner leaves nothing being written behind it, so a
    // caller may delete that folder (a test's temporary copy) as soon as close returns.
    for (Thread worker : new Thread[] {thread, warmUp}) {
      if (worker != null && worker != Thread.currentThread()) {
        try {
          worker.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
