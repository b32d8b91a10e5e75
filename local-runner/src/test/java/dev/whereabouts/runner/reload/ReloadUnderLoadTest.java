package dev.whereabouts.runner.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.LocalRunner;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template reload replaces the suite's wiring (gateway and functions' pools) while requests are
 * in flight: every reader sees a whole suite, old or new, never an emptied map or a failure.
 */
class ReloadUnderLoadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FUNCTIONS =
      Set.of("AuthFunction", "AuthorizerFunction", "LocationFunction", "ProfileFunction");
  private static final int RELOADS = 12;

  @TempDir Path dir;

  @Test
  void readersSeeAWholeSuiteWhileTheTemplateIsReloadedAgainAndAgain() throws Exception {
    ProjectCopy project = ProjectCopy.of(dir, true);
    try (project) {
      project.start(List.of("--watch"));
      AtomicBoolean loading = new AtomicBoolean(true);
      AtomicInteger requests = new AtomicInteger();
      ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
      Runnable faultsReader =
          () -> {
            while (loading.get()) {
              try {
                HttpResponse<String> r = project.get("/_local/faults");
                requests.incrementAndGet();
                JsonNode functions = JSON.readTree(r.body()).path("functions");
                Set<String> seen = new TreeSet<>();
                functions.fieldNames().forEachRemaining(seen::add);
                if (r.statusCode() != 200 || !seen.equals(FUNCTIONS)) {
                  anomalies.add(r.statusCode() + " " + seen);
                }
              } catch (Exception e) {
                anomalies.add(e.toString());
              }
            }
          };
      Runnable apiReader =
          () -> {
            while (loading.get()) {
              try {
                HttpResponse<String> r = project.get("/profiles/nobody");
                requests.incrementAndGet();
                if (r.statusCode() != 404) {
                  anomalies.add("GET /profiles/nobody " + r.statusCode() + " " + r.body());
                }
              } catch (Exception e) {
                anomalies.add(e.toString());
              }
            }
          };
      List<Thread> readers =
          List.of(
              new Thread(faultsReader),
              new Thread(faultsReader),
              new Thread(apiReader),
              new Thread(apiReader));
      readers.forEach(Thread::start);
      Path template = project.root.resolve("template.yaml");
      String original = Files.readString(template);
      for (int i = 0; i < 6; i++) {
        int mark = project.console().length();
        // Every function's configuration changes, so every pool is replaced on each reload.
        Files.writeString(
            template, original.replace("MemorySize: 1024", "MemorySize: " + (1024 + 64 * (i + 1))));
        project.awaitConsole(mark, "template.yaml reloaded");
      }
      loading.set(false);
      for (Thread t : readers) {
        t.join();
      }
      assertTrue(requests.get() > 50, "the readers ran: " + requests.get());
      assertEquals(List.of(), List.copyOf(anomalies));
    }
  }

  /**
   * The same promise read in the runner's own process, where nothing hides a gap: a reader copying
   * the function list without pause, on another core, while reloads replace every pool. A list
   * emptied and refilled in place (as before the wiring became one value) shows up as a partial
   * list or a {@code ConcurrentModificationException} here.
   */
  @Test
  void theFunctionListIsWholeAtEveryInstantOfAReload() throws Exception {
    ProjectCopy project = ProjectCopy.of(dir, true);
    try (project) {
      LocalRunner runner = project.start(List.of("--watch"));
      AtomicBoolean reloading = new AtomicBoolean(true);
      AtomicLong reads = new AtomicLong();
      ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
      Thread reader =
          new Thread(
              () -> {
                while (reloading.get()) {
                  try {
                    Set<String> seen = new TreeSet<>(runner.functions());
                    reads.incrementAndGet();
                    if (!seen.equals(FUNCTIONS)) {
                      anomalies.add(seen.toString());
                    }
                  } catch (RuntimeException e) {
                    anomalies.add(e.toString());
                  }
                }
              });
      reader.start();
      Path template = project.root.resolve("template.yaml");
      String original = Files.readString(template);
      for (int i = 0; i < RELOADS; i++) {
        int mark = project.console().length();
        Files.writeString(
            template, original.replace("MemorySize: 1024", "MemorySize: " + (1024 + 64 * (i + 1))));
        project.awaitConsole(mark, "template.yaml reloaded");
      }
      reloading.set(false);
      reader.join();
      assertTrue(reads.get() > RELOADS, "the reader ran: " + reads.get());
      assertEquals(List.of(), List.copyOf(anomalies), "seen in " + reads.get() + " reads");
    }
  }
}
