package dev.whereabouts.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * shared-lib's packages form layers: a package may use only the packages below it, so none uses a
 * package that depends on it. Read from the sources (imports, static imports and fully qualified
 * names, Javadoc included), so no library is needed to check it.
 */
class PackageLayersTest {
  /** Bottom first: each package may refer only to packages before it in this list. */
  static final List<String> LAYERS =
      List.of(
          "config",
          "problem",
          "json",
          "validation",
          "log",
          "metrics",
          "telemetry",
          "store",
          "snapstart",
          "http");

  private static final Path SOURCES = Path.of("src/main/java/dev/whereabouts/shared");
  private static final Pattern REFERENCE =
      Pattern.compile("dev\\.whereabouts\\.shared\\.([a-z]+)\\.");

  @Test
  void everyPackageUsesOnlyThePackagesBelowIt() {
    List<String> upward = new ArrayList<>();
    references()
        .forEach(
            (from, targets) -> {
              for (String to : targets) {
                if (LAYERS.indexOf(to) >= LAYERS.indexOf(from)) {
                  upward.add(from + " -> " + to);
                }
              }
            });
    assertEquals(List.of(), upward, "a package refers to its own layer or one above it");
  }

  @Test
  void theLayersNameEveryPackageOfTheSources() {
    assertEquals(new TreeSet<>(LAYERS), references().keySet());
  }

  @Test
  void aReferenceUpwardsIsFound() {
    // The reader itself: a file of the json package naming the http package is caught.
    assertEquals(
        Set.of("http"),
        referencesIn(
            "package dev.whereabouts.shared.json;\nimport dev.whereabouts.shared.http.X;"));
    assertTrue(LAYERS.indexOf("http") > LAYERS.indexOf("json"));
  }

  /** Per package of the main sources, the other shared packages its files name. */
  private static Map<String, Set<String>> references() {
    Map<String, Set<String>> references = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String from = SOURCES.relativize(file).getName(0).toString();
        references
            .computeIfAbsent(from, k -> new TreeSet<>())
            .addAll(referencesIn(Files.readString(file)));
        references.get(from).remove(from);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return references;
  }

  private static Set<String> referencesIn(String source) {
    Set<String> packages = new TreeSet<>();
    Matcher m = REFERENCE.matcher(source.replaceFirst("(?m)^package [^;]*;", ""));
    while (m.find()) {
      packages.add(m.group(1));
    }
    return packages;
  }
}
