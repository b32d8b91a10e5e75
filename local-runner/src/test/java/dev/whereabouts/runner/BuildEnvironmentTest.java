package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.cloudwatch.DashboardBrowserTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Build stage runs the README's test command in CodeBuild under {@code CI=true}, where a test
 * whose tool or file is missing fails. Everything a test needs is in the repository, on the image
 * (java, maven, python3) or installed by buildspec.yml.
 */
class BuildEnvironmentTest {

  /** Spelled in two parts, so this file does not match its own search. */
  private static final String OUTSIDE_LINK = "../" + "shared/";

  private static final String OUTSIDE_READ = "resolveSibling(\"" + "shared\")";

  @Test
  void noFileOfTheRepositoryReadsOrLinksOutsideIt() throws IOException {
    List<String> outside;
    try (Stream<Path> files = Files.walk(Rehearsal.ROOT)) {
      outside =
          files
              .filter(Files::isRegularFile)
              .filter(
                  f ->
                      !Rehearsal.ROOT
                          .relativize(f)
                          .toString()
                          .matches("(?:.*/)?(target|node_modules|\\.git)/.*|\\.git"))
              .filter(f -> f.toString().matches(".*\\.(java|md|yml|yaml|sh|py|json|xml|js|html)$"))
              .filter(
                  f -> {
                    try {
                      String text = Files.readString(f);
                      return text.contains(OUTSIDE_LINK) || text.contains(OUTSIDE_READ);
                    } catch (IOException e) {
                      return false;
                    }
                  })
              .map(f -> Rehearsal.ROOT.relativize(f).toString())
              .toList();
    }
    assertEquals(List.of(), outside, "files that read or link ../shared (absent in a clone)");
  }

  @Test
  void theBuildspecPinsTheNodeJsDynaliteNeeds() throws Exception {
    Map<String, Object> install =
        Rehearsal.map(Rehearsal.map(Rehearsal.yaml("buildspec.yml").get("phases")).get("install"));
    Object node = Rehearsal.map(install.get("runtime-versions")).get("nodejs");
    assertTrue(node != null, "runtime-versions pins nodejs (dynalite needs 20+)");
    Matcher major = Pattern.compile("^(\\d+)").matcher(String.valueOf(node));
    assertTrue(major.find() && Integer.parseInt(major.group(1)) >= 20, "nodejs " + node);
  }

  @Test
  void theBuildspecHandsTheBrowserTestAMatchingBrowserAndDriver() throws Exception {
    String spec = Files.readString(Rehearsal.ROOT.resolve("buildspec.yml"));
    String browser = exported(spec, DashboardBrowserTest.BROWSER_VARIABLE);
    String driver = exported(spec, DashboardBrowserTest.DRIVER_VARIABLE);
    Matcher b = Pattern.compile("install\\s+\"?chrome@([^\" ]+)").matcher(browser);
    Matcher d = Pattern.compile("install\\s+\"?chromedriver@([^\" ]+)").matcher(driver);
    assertTrue(b.find(), "the browser is Chrome for Testing: " + browser);
    assertTrue(d.find(), "the driver is its ChromeDriver: " + driver);
    assertEquals(b.group(1), d.group(1), "browser and driver of one version");
    assertTrue(spec.contains("test -x \"$" + DashboardBrowserTest.BROWSER_VARIABLE + "\""));
  }

  private static String exported(String spec, String variable) {
    Matcher m =
        Pattern.compile("export " + variable + "=\\$\\(([^)]*)\\)")
            .matcher(spec.replace("\n        ", " "));
    assertTrue(m.find(), "buildspec.yml exports " + variable);
    return m.group(1);
  }
}
