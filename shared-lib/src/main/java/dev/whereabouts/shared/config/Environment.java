package dev.whereabouts.shared.config;

import java.util.Map;
import java.util.Optional;

/**
 * The environment variables a function is configured with.
 *
 * <p>Functions read configuration only through this class, once, at init. On Lambda it wraps {@link
 * System#getenv()}; tests and the local runner hand each function instance its own map, the way
 * Lambda gives each function its own environment.
 */
public final class Environment {
  private final Map<String, String> variables;

  private Environment(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  /** The process environment, as Lambda sets it. */
  public static Environment system() {
    return new Environment(System.getenv());
  }

  /** An explicit environment (tests, local runner). */
  public static Environment of(Map<String, String> variables) {
    return new Environment(variables);
  }

  /**
   * The value of a variable that must be set.
   *
   * @throws IllegalStateException naming the variable when it is missing or blank, so init fails
   *     with a message an operator can act on
   */
  public String require(String name) {
    return optional(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Missing environment variable " + name + " (set it in template.yaml)"));
  }

  /** The value of a variable, empty when unset or blank. */
  public Optional<String> optional(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
