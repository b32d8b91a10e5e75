package dev.whereabouts.runner.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.RunnerOptions;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.template.SuiteReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in a real headless browser (Chromium or Chrome through its ChromeDriver, named
 * by {@value #BROWSER_VARIABLE} and {@value #DRIVER_VARIABLE}, else found on PATH or in /usr/bin):
 * it loads without console errors, draws every widget the template's dashboard declares with data,
 * and a fault injected from the page turns the matching alarm to ALARM and back to OK once lifted.
 * The runner runs 30 times faster than the wall clock here (whereabouts.timeScale), so a one-minute
 * alarm period passes in two seconds.
 */
public class DashboardBrowserTest {
  /** The browser binary; buildspec.yml sets it to a Chrome for Testing build. */
  public static final String BROWSER_VARIABLE = "WHEREABOUTS_CHROME";

  /** The ChromeDriver of exactly that browser's version. */
  public static final String DRIVER_VARIABLE = "WHEREABOUTS_CHROMEDRIVER";

  private static final String INSTALL =
      "apt-get update && apt-get install -y chromium chromium-driver (Debian), or set "
          + BROWSER_VARIABLE
          + " and "
          + DRIVER_VARIABLE
          + " to a browser and the ChromeDriver of its version";

  private static Path chromium;
  private static Path driver;

  private static LocalRunner runner;
  private static ChromeDriver browser;
  private static Path profileDir;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    chromium = tool(BROWSER_VARIABLE, "chromium", "chromium-browser", "google-chrome");
    driver = tool(DRIVER_VARIABLE, "chromedriver");
    if (chromium == null || driver == null) {
      String message =
          "a browser and its driver are needed for this test (found browser "
              + chromium
              + ", driver "
              + driver
              + "): "
              + INSTALL;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.assumeTrue(false, message);
    }
    System.setProperty("whereabouts.timeScale", "30");
    try {
      runner =
          LocalRunner.create(
              RunnerOptions.parse(
                  new String[] {
                    "--template",
                    SuiteUnderTest.repositoryRoot().resolve("template.yaml").toString(),
                    "--port",
                    "0",
                    "--no-color"
                  }),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    } finally {
      System.clearProperty("whereabouts.timeScale");
    }
    runner.start();

    profileDir = Files.createTempDirectory("chromium-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1600,1500",
        "--user-data-dir=" + profileDir);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  /**
   * The executable the environment variable names (which must then exist), else the first of {@code
   * names} on PATH or in /usr/bin; null when there is none.
   */
  private static Path tool(String variable, String... names) {
    String named = System.getenv(variable);
    if (named != null && !named.isBlank()) {
      Path p = Path.of(named);
      if (!Files.isExecutable(p)) {
        fail(variable + "=" + named + " is not an executable file");
      }
      return p;
    }
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.add("/usr/bin");
    for (String name : names) {
      for (String dir : dirs) {
        if (dir.isBlank()) {
          continue;
        }
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (runner != null) {
      runner.close();
    }
    if (profileDir != null) {
      try (var files = Files.walk(profileDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private static HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The browser user's bearer token, from {@link #traffic}. */
  private static String token;

  /** A user with a profile and a location, so that every business metric has a datapoint. */
  private static void traffic() throws Exception {
    String user = "{\"userId\":\"browser\",\"password\":\"correct horse battery\"}";
    call("POST", "/auth/users", null, user);
    String tokens = call("POST", "/auth/tokens", null, user).body();
    token = tokens.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
    assertEquals(
        2,
        call("PUT", "/profiles/browser", token, "{\"displayName\":\"B\",\"bio\":\"b\"}")
                .statusCode()
            / 100);
    assertEquals(
        2,
        call(
                    "PUT",
                    "/locations/browser",
                    token,
                    "{\"latitude\":48.1,\"longitude\":11.5,\"name\":\"Munich\"}")
                .statusCode()
            / 100);
    assertEquals(200, call("GET", "/profiles/browser", null, null).statusCode());
  }

  private static WebElement alarmBadge(String name) {
    return browser.findElement(By.cssSelector("span.alarm[data-alarm='" + name + "']"));
  }

  private static void waitFor(
      String what, Duration timeout, java.util.function.Supplier<Boolean> c) {
    new WebDriverWait(browser, timeout)
        .withMessage(what)
        .pollingEvery(Duration.ofMillis(250))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> c.get());
  }

  @Test
  void theTemplatesDashboardIsDrawnAndAnInjectedFaultFiresItsAlarmUntilLifted() throws Exception {
    traffic();
    JsonNode body =
        Dashboards.of(
                SuiteReader.read(
                        SuiteUnderTest.repositoryRoot().resolve("template.yaml"),
                        Map.of(),
                        "eu-central-1")
                    .monitoring())
            .body("local");
    List<String> titles = new ArrayList<>();
    body.path("widgets").forEach(w -> titles.add(w.path("properties").path("title").asText()));

    browser.get(runner.baseUrl() + "/_local/dashboard");
    waitFor(
        "the page loaded its data",
        Duration.ofSeconds(20),
        () ->
            "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    List<WebElement> widgets = browser.findElements(By.cssSelector("#grid .widget"));
    assertEquals(titles.size(), widgets.size(), "one element per widget of the template");
    for (int i = 0; i < titles.size(); i++) {
      assertEquals(titles.get(i), widgets.get(i).getDomAttribute("data-title"));
    }

    // The fault, from the page's own controls: every read of LocationTable is throttled.
    new Select(browser.findElement(By.id("fault-table"))).selectByValue("LocationTable");
    WebElement throttle = browser.findElement(By.id("throttle-rate"));
    throttle.clear();
    throttle.sendKeys("1");
    browser.findElement(By.id("inject-table")).click();
    waitFor(
        "the page shows the fault",
        Duration.ofSeconds(10),
        () -> browser.findElement(By.id("active-faults")).getText().contains("LocationTable"));
    // The profile degrades (its location lookup fails) rather than failing. The read carries the
    // user's token, which the profile function's 2 s cache never answers, so it reaches the table
    // (an anonymous read within 2 s of the one in traffic() would be answered from the cache).
    HttpResponse<String> degraded = call("GET", "/profiles/browser", token, null);
    assertEquals(200, degraded.statusCode(), degraded.body());
    assertTrue(degraded.body().contains("\"locationStatus\""), degraded.body());

    String alarm = "local-location-table-read-throttles";
    waitFor(
        alarm + " turns ALARM on the page",
        Duration.ofSeconds(20),
        () -> "ALARM".equals(alarmBadge(alarm).getDomAttribute("data-state")));

    // Now every widget has something drawn: a chart with datapoints, or alarm badges.
    waitFor(
        "every widget has data",
        Duration.ofSeconds(20),
        () ->
            browser.findElements(By.cssSelector("#grid .widget")).stream()
                .allMatch(
                    w ->
                        Integer.parseInt(
                                String.valueOf(w.getDomAttribute("data-points"))
                                    .replace("null", "0"))
                            > 0));
    for (WebElement w : browser.findElements(By.cssSelector("#grid .widget-metric"))) {
      assertTrue(
          !w.findElements(By.tagName("canvas")).isEmpty(),
          w.getDomAttribute("data-title") + " is drawn");
    }
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    // docs/local-dashboard.png is a copy of this file, taken by hand (a test run leaves docs/
    // alone).
    Path target = SuiteUnderTest.repositoryRoot().resolve("local-runner/target");
    Files.createDirectories(target);
    Files.write(target.resolve("local-dashboard.png"), png);

    browser.findElement(By.id("clear-faults")).click();
    waitFor(
        alarm + " returns to OK once the fault is lifted",
        Duration.ofSeconds(30),
        () -> "OK".equals(alarmBadge(alarm).getDomAttribute("data-state")));

    List<LogEntry> errors =
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList());
  }
}
