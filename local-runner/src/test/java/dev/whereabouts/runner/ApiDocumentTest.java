package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docs/api.md, the contract people read, stays true against openapi.yaml, the one tools read. */
class ApiDocumentTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| `(GET|POST|PUT|DELETE) ([^`]+)` \\|([^\\n]*)$", Pattern.MULTILINE);

  @Test
  void everyRouteAndStatusOfApiMdIsInOpenApi() throws Exception {
    Map<String, Set<String>> documented = new TreeMap<>();
    Matcher row = ROW.matcher(Files.readString(Rehearsal.ROOT.resolve("docs/api.md")));
    while (row.find()) {
      Set<String> codes = new TreeSet<>();
      // method and path | auth | request | success | errors: statuses in the last two cells
      // (a "\|" inside a cell is a literal bar).
      String[] cells = row.group(3).split("(?<!\\\\)\\|");
      for (int i = Math.max(0, cells.length - 2); i < cells.length; i++) {
        Matcher code = Pattern.compile("\\b([2-5][0-9]{2})\\b").matcher(cells[i]);
        while (code.find()) {
          codes.add(code.group(1));
        }
      }
      documented.put(row.group(1) + " " + row.group(2), codes);
    }
    Map<String, Set<String>> specified = new TreeMap<>();
    Map<String, Object> paths =
        Rehearsal.map(
            Rehearsal.map(new Yaml().load(Files.readString(Rehearsal.ROOT.resolve("openapi.yaml"))))
                .get("paths"));
    paths.forEach(
        (path, item) ->
            Rehearsal.map(item)
                .forEach(
                    (method, op) -> {
                      if (Set.of("get", "put", "post", "delete").contains(method)) {
                        specified.put(
                            method.toUpperCase(Locale.ROOT) + " " + path,
                            Rehearsal.map(Rehearsal.map(op).get("responses")).keySet().stream()
                                .map(String::valueOf)
                                .collect(Collectors.toSet()));
                      }
                    }));
    assertEquals(specified.keySet(), documented.keySet(), "docs/api.md's routes vs openapi.yaml");
    documented.forEach(
        (route, codes) -> {
          assertTrue(codes.size() >= 2, route + " names its success and errors: " + codes);
          Set<String> missing = new TreeSet<>(codes);
          missing.removeAll(specified.get(route));
          assertEquals(
              Set.of(), missing, route + ": statuses docs/api.md names but openapi.yaml lacks");
        });
  }
}
