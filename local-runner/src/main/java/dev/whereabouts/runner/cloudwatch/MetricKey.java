package dev.whereabouts.runner.cloudwatch;

import java.util.Map;
import java.util.TreeMap;

/**
 * One CloudWatch metric: namespace, name and dimensions. As in CloudWatch, a metric is the exact
 * combination: {@code Errors} with {@code FunctionName} is another metric than {@code Errors}
 * without dimensions.
 */
public record MetricKey(String namespace, String name, Map<String, String> dimensions) {
  public MetricKey {
    dimensions = java.util.Collections.unmodifiableMap(new TreeMap<>(dimensions));
  }

  /** A metric with dimensions given as name, value, name, value … */
  public static MetricKey of(String namespace, String name, String... dimensionPairs) {
    Map<String, String> dims = new TreeMap<>();
    for (int i = 0; i + 1 < dimensionPairs.length; i += 2) {
      dims.put(dimensionPairs[i], dimensionPairs[i + 1]);
    }
    return new MetricKey(namespace, name, dims);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(namespace).append(' ').append(name);
    dimensions.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
    return s.toString();
  }
}
