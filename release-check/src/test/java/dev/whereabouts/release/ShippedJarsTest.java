package dev.whereabouts.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.release.ShippedJar.Library;
import dev.whereabouts.release.ShippedJar.Nested;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a licence and security review of each shipped jar checks: every class belongs to a library
 * the jar lists (relocated copies included), every listed library is really inside, the licence
 * texts and the libraries' notices are there, the SBOM beside the jar names the same libraries, and
 * a function jar stays within its size budget.
 */
class ShippedJarsTest {
  /** Path segments under which libraries keep relocated copies of other libraries. */
  private static final Pattern RELOCATED = Pattern.compile(".*/(thirdparty|shaded|repackaged)/.*");

  /** Entries every jar has, which say nothing about which library is inside. */
  private static final Pattern METADATA =
      Pattern.compile(
          "META-INF/(MANIFEST\\.MF|LICENSE.*|NOTICE.*|maven/.*|services/.*)|module-info\\.class");

  /** Lambda's limit is 50 MB zipped; ours is the cold-start budget of docs/performance.md. */
  private static final long FUNCTION_JAR_BUDGET_BYTES = 8_000_000;

  static List<ShippedJar> jars() {
    return ShippedJar.all();
  }

  @ParameterizedTest
  @MethodSource("jars")
  void everyClassBelongsToALibraryTheJarLists(ShippedJar jar) throws IOException {
    Map<String, String> owners = owners(jar.libraries().values());
    List<Nested> nested = jar.nested();
    Set<String> unlisted = new TreeSet<>();
    Set<String> unlistedCopies = new TreeSet<>();
    try (ZipFile zip = jar.open()) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        // A multi-release copy counts as the class it stands for.
        String name = e.getName().replaceFirst("^META-INF/versions/\\d+/", "");
        if (!name.endsWith(".class") || name.startsWith("dev/whereabouts/")) {
          continue;
        }
        boolean inNestedCopy = nested.stream().anyMatch(n -> name.startsWith(n.prefix()));
        if (RELOCATED.matcher(name).matches() && !inNestedCopy) {
          unlistedCopies.add(name.substring(0, name.lastIndexOf('/') + 1));
        } else if (!inNestedCopy && !owners.containsKey(name)) {
          unlisted.add(name.substring(0, name.lastIndexOf('/') + 1));
        }
      }
    }
    assertEquals(
        Set.of(), unlistedCopies, jar + ": relocated copies missing in THIRD-PARTY-NESTED");
    assertEquals(Set.of(), unlisted, jar + ": packages of no library in THIRD-PARTY-NOTICES");
  }

  @ParameterizedTest
  @MethodSource("jars")
  void everyListedLibraryIsReallyInTheJar(ShippedJar jar) throws IOException {
    Map<String, Library> libraries = jar.libraries();
    assertTrue(libraries.size() > 5, jar + " lists its libraries: " + libraries.keySet());
    Map<String, String> owners = owners(libraries.values());
    Set<String> present = new HashSet<>();
    Set<String> prefixesFound = new HashSet<>();
    List<Nested> nested = jar.nested();
    List<String> wrongVersions = new ArrayList<>();
    try (ZipFile zip = jar.open()) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        String name = e.getName();
        if (owners.containsKey(name) && !e.isDirectory() && !METADATA.matcher(name).matches()) {
          present.add(owners.get(name));
        }
        nested.stream()
            .filter(n -> name.startsWith(n.prefix()))
            .forEach(n -> prefixesFound.add(n.prefix()));
        if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
          Properties p = new Properties();
          try (InputStream in = zip.getInputStream(e)) {
            p.load(in);
          }
          String key = p.getProperty("groupId") + ":" + p.getProperty("artifactId");
          Library listed = libraries.get(key);
          if (!key.startsWith("dev.whereabouts:")
              && (listed == null || !listed.version().equals(p.getProperty("version")))) {
            wrongVersions.add(key + ":" + p.getProperty("version") + " (listed: " + listed + ")");
          }
        }
      }
    }
    Set<String> absent = new TreeSet<>(libraries.keySet());
    absent.removeAll(present);
    assertEquals(Set.of(), absent, jar + ": listed in THIRD-PARTY-NOTICES but not in the jar");
    assertEquals(List.of(), wrongVersions, jar + ": pom.properties that the list does not match");
    for (Nested n : nested) {
      assertTrue(prefixesFound.contains(n.prefix()), jar + ": nothing under " + n.prefix());
      assertTrue(
          libraries.keySet().stream().anyMatch(k -> k.equals(n.in())),
          jar
              + ": "
              + n.component()
              + " is carried by "
              + n.in()
              + ", which the jar does not list");
    }
  }

  @ParameterizedTest
  @MethodSource("jars")
  void everyLicenceTextIsInTheJar(ShippedJar jar) throws IOException {
    String licence = jar.text("META-INF/LICENSE").orElse("");
    assertTrue(
        licence.contains("Apache License") && licence.contains("Version 2.0, January 2004"),
        jar
            + ": META-INF/LICENSE is the Apache-2.0 text (the project's and its Apache libraries')");
    for (Library l : jar.libraries().values()) {
      if (!l.licence().equals("Apache-2.0")) {
        String text = "META-INF/licenses/" + l.groupId() + ".txt";
        assertTrue(
            jar.text(text).filter(t -> !t.isBlank()).isPresent(),
            jar + ": " + l.coordinates() + " (" + l.licence() + ") needs its text at " + text);
      }
    }
    for (Nested n : jar.nested()) {
      assertTrue(
          jar.text(n.licenceText()).filter(t -> !t.isBlank()).isPresent(),
          jar + ": " + n.component() + " needs its licence text at " + n.licenceText());
    }
  }

  @ParameterizedTest
  @MethodSource("jars")
  void theNoticesOfEveryBundledLibraryAreMergedIntoOne(ShippedJar jar) throws IOException {
    String merged = jar.text("META-INF/NOTICE").orElse("");
    assertTrue(merged.contains("Copyright 2026 The Whereabouts authors"), merged);
    Set<String> mergedLines = new HashSet<>();
    merged.lines().map(String::strip).forEach(mergedLines::add);
    List<String> lost = new ArrayList<>();
    int notices = 0;
    for (Library l : jar.libraries().values()) {
      for (String notice : libraryNotices(l)) {
        notices++;
        notice
            .lines()
            .map(String::strip)
            .filter(s -> !s.isEmpty() && !s.startsWith("//"))
            .filter(s -> !mergedLines.contains(s))
            .forEach(s -> lost.add(l.coordinates() + ": " + s));
      }
    }
    assertTrue(notices > 0, jar + ": its libraries carry NOTICE files (the SDK's, Jackson's)");
    assertEquals(List.of(), lost, jar + ": NOTICE lines of bundled libraries missing");
  }

  @ParameterizedTest
  @MethodSource("jars")
  void theSbomBesideTheJarNamesEveryListedLibrary(ShippedJar jar) throws IOException {
    assertTrue(Files.isRegularFile(jar.sbom()), jar.sbom() + " is written by the build");
    JsonNode bom = new ObjectMapper().readTree(jar.sbom().toFile());
    assertEquals("CycloneDX", bom.path("bomFormat").asText(), jar.sbom().toString());
    Set<String> components = new HashSet<>();
    for (JsonNode c : bom.path("components")) {
      components.add(
          c.path("group").asText()
              + ":"
              + c.path("name").asText()
              + ":"
              + c.path("version").asText());
    }
    Set<String> missing = new TreeSet<>();
    for (Library l : jar.libraries().values()) {
      if (!components.contains(l.coordinates())) {
        missing.add(l.coordinates());
      }
    }
    assertEquals(Set.of(), missing, jar.sbom() + ": libraries of the jar that the SBOM lacks");
  }

  @ParameterizedTest
  @MethodSource("jars")
  void aFunctionJarStaysWithinItsSizeBudget(ShippedJar jar) throws IOException {
    assertTrue(Files.isRegularFile(jar.jar()), jar.jar() + " is built");
    long size = Files.size(jar.jar());
    if (jar.function()) {
      assertTrue(size <= FUNCTION_JAR_BUDGET_BYTES, jar + " is " + size + " bytes");
    } else {
      assertTrue(size > 0, jar + " is empty");
    }
  }

  /** Which listed library each entry name comes from, read from the libraries' own jars. */
  private static Map<String, String> owners(Iterable<Library> libraries) throws IOException {
    Map<String, String> owners = new HashMap<>();
    for (Library l : libraries) {
      assertTrue(Files.isRegularFile(l.file()), l.file() + " (resolved by the build)");
      try (ZipFile zip = new ZipFile(l.file().toFile())) {
        for (ZipEntry e : Collections.list(zip.entries())) {
          owners.putIfAbsent(e.getName(), l.groupId() + ":" + l.artifactId());
        }
      }
    }
    return owners;
  }

  /** The NOTICE files a library's own jar carries. */
  private static List<String> libraryNotices(Library l) throws IOException {
    List<String> notices = new ArrayList<>();
    try (ZipFile zip = new ZipFile(l.file().toFile())) {
      for (String name : List.of("META-INF/NOTICE", "META-INF/NOTICE.txt", "META-INF/NOTICE.md")) {
        ZipEntry e = zip.getEntry(name);
        if (e != null) {
          try (InputStream in = zip.getInputStream(e)) {
            notices.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    return notices;
  }
}
