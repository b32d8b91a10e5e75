package dev.whereabouts.runner.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * Compiles one module's sources in this JVM with the JDK's compiler (javax.tools): no Maven run, no
 * new process, and a compiler that stays warm from one save to the next.
 */
final class ModuleCompiler {
  /** Errors shown per compile; javac's first errors are the ones that matter. */
  private static final int ERRORS_SHOWN = 10;

  /**
   * The outcome of one compile.
   *
   * @param output the folder the classes were written to (a dependent module's classpath)
   * @param classes binary name → class file (empty when it failed)
   * @param errors javac's errors, each as {@code file:line: error: message}, the source line and a
   *     caret, for the console
   */
  record Result(Path output, Map<String, byte[]> classes, List<String> errors) {
    boolean ok() {
      return errors.isEmpty();
    }
  }

  private final JavaCompiler javac;
  private final Path root;
  private final String release;

  /**
   * @param root the folder file names in errors are relative to (the template's)
   * @param release the {@code --release} the Maven build compiles for
   */
  ModuleCompiler(JavaCompiler javac, Path root, String release) {
    this.javac = javac;
    this.root = root;
    this.release = release;
  }

  /** Compiles every source of the module into {@code output} (created, must not exist). */
  Result compile(SourceModule module, List<Path> classpath, Path output) throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(module.sources())) {
      sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    Files.createDirectories(output);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      files.setLocationFromPaths(StandardLocation.CLASS_PATH, classpath);
      files.setLocationFromPaths(StandardLocation.SOURCE_PATH, List.of(module.sources()));
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(output));
      // -g as Maven compiles (line numbers in stack traces); no annotation processing, as ours
      // has none and the scan for processors on a 10 MB jar costs time on every save.
      List<String> options =
          List.of("--release", release, "-g", "-proc:none", "-implicit:none", "-nowarn");
      ok =
          javac
              .getTask(
                  null,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR && errors.size() < ERRORS_SHOWN) {
        errors.add(describe(d));
      }
    }
    if (!ok && errors.isEmpty()) {
      errors.add(module.name() + ": javac failed without an error message");
    }
    return new Result(output, ok ? classes(output) : Map.of(), errors);
  }

  private String describe(Diagnostic<? extends JavaFileObject> d) {
    String message = d.getMessage(Locale.ROOT);
    if (d.getSource() == null) {
      return "error: " + message;
    }
    Path file = Path.of(d.getSource().toUri());
    String name = file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    StringBuilder text = new StringBuilder();
    text.append(name).append(':').append(d.getLineNumber()).append(": error: ").append(message);
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      long line = d.getLineNumber();
      if (line >= 1 && line <= lines.size()) {
        String source = lines.get((int) line - 1);
        text.append('\n').append(source);
        long column = Math.max(1, d.getColumnNumber());
        text.append('\n')
            .append(" ".repeat((int) Math.min(column - 1, source.length())))
            .append('^');
      }
    } catch (IOException | UncheckedIOException e) {
      // the file went away since: the message alone still says what is wrong
    }
    return text.toString();
  }

  private static Map<String, byte[]> classes(Path output) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(output)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String relative = output.relativize(p).toString().replace('\\', '/');
        String name =
            relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
        classes.put(name, Files.readAllBytes(p));
      }
    }
    return classes;
  }

  /** Deletes a compile's folder. */
  static void delete(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a stale folder under target/ does no harm; mvn clean removes it
    }
  }
}
