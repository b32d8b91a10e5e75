package dev.whereabouts.shared.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.whereabouts.shared.config.Environment;
import dev.whereabouts.shared.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The custom metrics of one request, written as one CloudWatch Embedded Metric Format line.
 *
 * <p>A tiny writer rather than {@code aws-embedded-metrics}: that library brings SLF4J, its own
 * Jackson use and environment detection to the init path for what is one JSON line per request.
 * Metrics go to the namespace {@value #NAMESPACE} with the dimensions {@code Service} and {@code
 * Stack} (the CloudFormation stack, from {@value #STACK_VARIABLE}): two stacks in one account, such
 * as staging and production, never share a metric, so one's traffic cannot trip the other's alarms.
 */
public final class Metrics {
  /** The CloudWatch namespace of every custom metric. */
  public static final String NAMESPACE = "Whereabouts";

  /** The metric dimension every datum carries. */
  public static final String DIMENSION = "Service";

  /** The dimension naming the stack, carried when the function knows its stack's name. */
  public static final String STACK_DIMENSION = "Stack";

  /** The environment variable holding the stack's name (template.yaml sets it per function). */
  public static final String STACK_VARIABLE = "STACK_NAME";

  private final String service;
  private final Optional<String> stack;
  private final Map<String, Series> series = new LinkedHashMap<>();

  private record Series(String unit, List<Double> values) {}

  /**
   * @param service the value of the {@code Service} dimension
   * @param stack the value of the {@code Stack} dimension ({@link #stack}); without it the metrics
   *     carry the {@code Service} dimension alone, which no alarm of a deployed stack watches
   */
  public Metrics(String service, Optional<String> stack) {
    this.service = service;
    this.stack = stack;
  }

  /**
   * The stack's name from {@value #STACK_VARIABLE}, read once at init (DeployRehearsalTest checks
   * the template sets it); empty when unset.
   */
  public static Optional<String> stack(Environment env) {
    return env.optional(STACK_VARIABLE);
  }

  /** Counts one occurrence of {@code name}. */
  public synchronized void count(String name) {
    add(name, "Count", 1);
  }

  /** Records a duration in milliseconds. */
  public synchronized void milliseconds(String name, double value) {
    add(name, "Milliseconds", value);
  }

  private void add(String name, String unit, double value) {
    Series s = series.computeIfAbsent(name, n -> new Series(unit, new ArrayList<>()));
    if (!s.unit().equals(unit)) {
      throw new IllegalArgumentException(name + " is recorded in " + s.unit() + ", not " + unit);
    }
    s.values().add(value);
  }

  /** The values recorded for {@code name} so far (for tests and the log line). */
  public synchronized List<Double> values(String name) {
    Series s = series.get(name);
    return s == null ? List.of() : List.copyOf(s.values());
  }

  /**
   * The EMF line for what was recorded, or empty when nothing was.
   *
   * @param properties extra searchable fields (request id, correlation id); not dimensions
   */
  public synchronized Optional<String> toEmf(Instant timestamp, Map<String, String> properties) {
    if (series.isEmpty()) {
      return Optional.empty();
    }
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("_aws");
      g.writeNumberField("Timestamp", timestamp.toEpochMilli());
      g.writeArrayFieldStart("CloudWatchMetrics");
      g.writeStartObject();
      g.writeStringField("Namespace", NAMESPACE);
      g.writeArrayFieldStart("Dimensions");
      g.writeStartArray();
      g.writeString(DIMENSION);
      if (stack.isPresent()) {
        g.writeString(STACK_DIMENSION);
      }
      g.writeEndArray();
      g.writeEndArray();
      g.writeArrayFieldStart("Metrics");
      for (Map.Entry<String, Series> e : series.entrySet()) {
        g.writeStartObject();
        g.writeStringField("Name", e.getKey());
        g.writeStringField("Unit", e.getValue().unit());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeStringField(DIMENSION, service);
      if (stack.isPresent()) {
        g.writeStringField(STACK_DIMENSION, stack.get());
      }
      for (Map.Entry<String, String> p : properties.entrySet()) {
        g.writeStringField(p.getKey(), p.getValue());
      }
      for (Map.Entry<String, Series> e : series.entrySet()) {
        List<Double> values = e.getValue().values();
        if (values.size() == 1) {
          g.writeNumberField(e.getKey(), values.get(0));
        } else {
          g.writeArrayFieldStart(e.getKey());
          for (double v : values) {
            g.writeNumber(v);
          }
          g.writeEndArray();
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(out.toString());
  }
}
