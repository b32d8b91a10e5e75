package dev.whereabouts.shared.telemetry;

import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.log.Log;
import dev.whereabouts.shared.metrics.Metrics;
import java.util.Objects;
import java.util.Optional;

/**
 * How one function writes its log and metric lines: read once from its environment at init and
 * handed to what it builds through their constructors, so no request reads a global for it and two
 * functions in one JVM (the local runner, the tests) never see each other's settings.
 *
 * @param output where the log and metric lines go
 * @param level the least severe log level written ({@link Log.Level#of})
 * @param stack the {@code Stack} dimension of the metrics ({@link Metrics#stack}), if known
 */
public record Telemetry(Log.Output output, Log.Level level, Optional<String> stack) {
  public Telemetry {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(stack, "stack");
  }

  /** A function's telemetry as its environment sets it, written to standard output (Lambda's). */
  public static Telemetry from(Environment env) {
    return new Telemetry(Log.Output.STANDARD, Log.Level.of(env), Metrics.stack(env));
  }

  /** The same level and stack, written to {@code output} (priming discards its lines). */
  public Telemetry to(Log.Output output) {
    return new Telemetry(output, level, stack);
  }

  /** A log of {@code function} in {@code service}, at this level, to this output. */
  public Log log(String service, String function) {
    return new Log(service, function, output, level);
  }

  /** An empty set of metrics of {@code service}, carrying this stack. */
  public Metrics metrics(String service) {
    return new Metrics(service, stack);
  }
}
