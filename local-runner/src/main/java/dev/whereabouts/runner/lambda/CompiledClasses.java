package dev.whereabouts.runner.lambda;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Classes the runner compiled from a function's sources (its module and the modules it depends on),
 * served ahead of its jar: the jar then only supplies the third-party dependencies.
 *
 * @param classes binary name → class file
 */
public record CompiledClasses(Map<String, byte[]> classes) {
  /** No classes: the function runs from its jar alone. */
  public static final CompiledClasses NONE = new CompiledClasses(Map.of());

  public CompiledClasses {
    classes = Map.copyOf(classes);
  }

  /** The packages these classes make up; the jar's copies of them are hidden. */
  public Set<String> packages() {
    return classes.keySet().stream()
        .map(n -> n.lastIndexOf('.') < 0 ? "" : n.substring(0, n.lastIndexOf('.')))
        .collect(Collectors.toUnmodifiableSet());
  }

  public boolean isEmpty() {
    return classes.isEmpty();
  }
}
