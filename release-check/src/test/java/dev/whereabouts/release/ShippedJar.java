package dev.whereabouts.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One jar the build ships, read as a reviewer would: its entries, its list of bundled libraries
 * (THIRD-PARTY-NOTICES, generated) and of the copies those libraries carry inside themselves
 * (THIRD-PARTY-NESTED, kept by hand).
 */
record ShippedJar(String module, Path jar, Path sbom, boolean function) {
  static final Path ROOT = Path.of(System.getProperty("whereabouts.root", "..")).normalize();

  /** A library named in THIRD-PARTY-NOTICES, under the licence heading it is listed with. */
  record Library(String groupId, String artifactId, String version, String licence) {
    String coordinates() {
      return groupId + ":" + artifactId + ":" + version;
    }

    /** Its jar in the local repository the build resolved it into. */
    Path file() {
      String repo = System.getProperty("whereabouts.localRepository");
      Path base =
          repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2/repository");
      return base.resolve(groupId.replace('.', '/'))
          .resolve(artifactId)
          .resolve(version)
          .resolve(artifactId + "-" + version + ".jar");
    }
  }

  /** A relocated copy inside a bundled library: the package prefix it lives under in the jar. */
  record Nested(String prefix, String component, String licence, String licenceText, String in) {}

  static List<ShippedJar> all() {
    return List.of(
        function("auth-service"),
        function("location-service"),
        function("profile-service"),
        new ShippedJar(
            "local-runner",
            ROOT.resolve("local-runner/target/local-runner.jar"),
            ROOT.resolve("local-runner/target/local-runner.cdx.json"),
            false),
        new ShippedJar(
            "ops",
            ROOT.resolve("ops/target/whereabouts-ops.jar"),
            ROOT.resolve("ops/target/whereabouts-ops.cdx.json"),
            false));
  }

  private static ShippedJar function(String module) {
    return new ShippedJar(
        module,
        ROOT.resolve(module + "/target/" + module + ".jar"),
        ROOT.resolve(module + "/target/" + module + ".cdx.json"),
        true);
  }

  ZipFile open() throws IOException {
    assertTrue(
        Files.isRegularFile(jar),
        jar + " is missing: build it first (./mvnw -B verify builds every module before this one)");
    return new ZipFile(jar.toFile());
  }

  /** The text of one entry of the jar, if it has it. */
  Optional<String> text(String entry) throws IOException {
    try (ZipFile zip = open()) {
      ZipEntry e = zip.getEntry(entry);
      if (e == null) {
        return Optional.empty();
      }
      try (InputStream in = zip.getInputStream(e)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private static final Pattern LISTED =
      Pattern.compile("^\\s+\\* .*\\(([^\\s:()]+):([^\\s:()]+):([^\\s()]+) - .*\\)\\s*$");
  private static final Pattern HEADING = Pattern.compile("^    (\\S.*):\\s*$");

  /** THIRD-PARTY-NOTICES: every library of the jar's module, keyed by group:artifact. */
  Map<String, Library> libraries() throws IOException {
    String notices = text("THIRD-PARTY-NOTICES").orElseThrow(() -> missing("THIRD-PARTY-NOTICES"));
    Map<String, Library> libraries = new LinkedHashMap<>();
    String licence = null;
    for (String line : notices.lines().toList()) {
      Matcher heading = HEADING.matcher(line);
      Matcher listed = LISTED.matcher(line);
      if (heading.matches()) {
        licence = heading.group(1);
      } else if (listed.matches()) {
        Library l = new Library(listed.group(1), listed.group(2), listed.group(3), licence);
        libraries.put(l.groupId() + ":" + l.artifactId(), l);
      }
    }
    return libraries;
  }

  /** THIRD-PARTY-NESTED: the relocated copies, one line each. */
  List<Nested> nested() throws IOException {
    String text = text("THIRD-PARTY-NESTED").orElseThrow(() -> missing("THIRD-PARTY-NESTED"));
    List<Nested> nested = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s*\\|\\s*");
      assertTrue(f.length == 5, "THIRD-PARTY-NESTED: five fields separated by |: " + line);
      nested.add(new Nested(f[0].strip(), f[1], f[2], f[3], f[4].strip()));
    }
    return nested;
  }

  private AssertionError missing(String entry) {
    return new AssertionError(jar + " has no " + entry);
  }

  @Override
  public String toString() {
    return module;
  }
}
