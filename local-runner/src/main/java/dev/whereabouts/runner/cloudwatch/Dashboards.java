package dev.whereabouts.runner.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.template.Suite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The template's {@code AWS::CloudWatch::Dashboard} bodies, rendered with data from the {@link
 * MetricStore}: each widget keeps its type, place, size, title and properties; metric widgets gain
 * their series (one per line of {@code metrics}, with CloudWatch's {@code "."} and {@code "..."}
 * shorthand and math expressions) computed for the page's time range.
 */
public final class Dashboards {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, JsonNode> bodies;

  private Dashboards(Map<String, JsonNode> bodies) {
    this.bodies = bodies;
  }

  /**
   * Reads the dashboards of the template's resources.
   *
   * @throws IllegalArgumentException naming a dashboard whose body is not JSON
   */
  public static Dashboards of(List<Suite.Resource> resources) {
    Map<String, JsonNode> bodies = new LinkedHashMap<>();
    for (Suite.Resource r : resources) {
      if (!r.type().equals("AWS::CloudWatch::Dashboard")) {
        continue;
      }
      Object name = r.properties().get("DashboardName");
      Object body = r.properties().get("DashboardBody");
      try {
        bodies.put(
            name == null ? r.logicalId() : String.valueOf(name),
            body instanceof String s ? JSON.readTree(s) : JSON.valueToTree(body));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            r.logicalId() + ": DashboardBody is not JSON: " + e.getMessage(), e);
      }
    }
    return new Dashboards(bodies);
  }

  /** The dashboards' names. */
  public List<String> names() {
    return List.copyOf(bodies.keySet());
  }

  /** One dashboard's body as declared. */
  public JsonNode body(String name) {
    return bodies.get(name);
  }

  /**
   * The widgets of {@code name} with their data from {@code from} to {@code to} (epoch ms).
   *
   * @param periodOverride 0 for each widget's own period, else the period in seconds (finer views)
   */
  public ArrayNode render(
      String name, MetricStore store, Alarms alarms, long from, long to, int periodOverride) {
    ArrayNode out = JSON.createArrayNode();
    for (JsonNode w : bodies.get(name).path("widgets")) {
      ObjectNode widget = ((ObjectNode) w).deepCopy();
      if ("metric".equals(w.path("type").asText())) {
        widget.set("data", series(w.path("properties"), store, from, to, periodOverride));
        // Alarm annotations: the alarm's threshold as a line, coloured by its state.
        ArrayNode annotations = widget.putArray("alarmAnnotations");
        for (JsonNode arn : w.path("properties").path("annotations").path("alarms")) {
          String alarm = arn.asText().substring(arn.asText().lastIndexOf(":alarm:") + 7);
          for (AlarmDefinition d : alarms.definitions()) {
            if (d instanceof AlarmDefinition.Metric m && m.name().equals(alarm)) {
              ObjectNode a = annotations.addObject();
              a.put("name", m.name());
              a.put("threshold", m.threshold());
              a.put("state", alarms.state(m.name()).name());
            }
          }
        }
      }
      out.add(widget);
    }
    return out;
  }

  private ObjectNode series(
      JsonNode props, MetricStore store, long from, long to, int periodOverride) {
    int widgetPeriod = props.path("period").asInt(300);
    String widgetStat = props.path("stat").asText("Average");
    List<Line> lines = lines(props.path("metrics"), widgetStat);
    int period = periodOverride > 0 ? periodOverride : widgetPeriod;
    long periodMs = period * 1000L;
    List<Long> times = new ArrayList<>();
    for (long t = Math.floorDiv(from, periodMs) * periodMs; t < to; t += periodMs) {
      times.add(t);
    }
    ObjectNode data = JSON.createObjectNode();
    ArrayNode ts = data.putArray("timestamps");
    times.forEach(t -> ts.add(t / 1000));
    ArrayNode series = data.putArray("series");
    List<Map<String, OptionalDouble>> byTime = new ArrayList<>();
    for (long t : times) {
      Map<String, OptionalDouble> values = new HashMap<>();
      long end = t + periodMs;
      for (Line l : lines) {
        if (l.metric != null) {
          values.put(l.id, store.statistic(l.metric, l.stat, t, end));
        }
      }
      for (Line l : lines) {
        if (l.expression != null) {
          values.put(
              l.id, l.expression.evaluate(id -> values.getOrDefault(id, OptionalDouble.empty())));
        }
      }
      byTime.add(values);
    }
    for (Line l : lines) {
      if (!l.visible) {
        continue;
      }
      ObjectNode s = series.addObject();
      s.put("label", l.label);
      s.put("yAxis", l.yAxis);
      if (l.color != null) {
        s.put("color", l.color);
      }
      ArrayNode values = s.putArray("values");
      for (Map<String, OptionalDouble> v : byTime) {
        OptionalDouble d = v.getOrDefault(l.id, OptionalDouble.empty());
        if (d.isPresent()) {
          values.add(Math.round(d.getAsDouble() * 1000) / 1000.0);
        } else {
          values.addNull();
        }
      }
    }
    data.put("period", period);
    return data;
  }

  private static final class Line {
    String id;
    MetricKey metric;
    Statistic stat;
    MetricMath.Expression expression;
    String label;
    String yAxis = "left";
    String color;
    boolean visible = true;
  }

  private static List<Line> lines(JsonNode metrics, String widgetStat) {
    List<Line> out = new ArrayList<>();
    List<String> previous = List.of();
    int n = 0;
    for (JsonNode row : metrics) {
      n++;
      JsonNode options = JSON.createObjectNode();
      List<String> parts = new ArrayList<>();
      for (JsonNode e : row) {
        if (e.isObject()) {
          options = e;
        } else {
          parts.add(e.asText());
        }
      }
      Line line = new Line();
      line.id = options.path("id").asText("m" + n);
      line.visible = options.path("visible").asBoolean(true);
      line.yAxis = options.path("yAxis").asText("left");
      line.color = options.has("color") ? options.get("color").asText() : null;
      if (options.has("expression")) {
        line.expression = MetricMath.parse(options.get("expression").asText());
        line.label = options.path("label").asText(options.get("expression").asText());
        out.add(line);
        continue;
      }
      List<String> full = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        String p = parts.get(i);
        if (p.equals("...")) {
          // "..." stands for the previous line's first elements, up to the rest of this one.
          int keep = previous.size() - (parts.size() - i - 1);
          full.addAll(previous.subList(0, Math.max(0, keep)));
        } else if (p.equals(".")) {
          full.add(i < previous.size() ? previous.get(full.size()) : "");
        } else {
          full.add(p);
        }
      }
      previous = full;
      Map<String, String> dims = new LinkedHashMap<>();
      for (int i = 2; i + 1 < full.size(); i += 2) {
        dims.put(full.get(i), full.get(i + 1));
      }
      line.metric = new MetricKey(full.get(0), full.get(1), dims);
      line.stat = Statistic.parse(options.path("stat").asText(widgetStat));
      line.label = options.path("label").asText(full.get(1));
      out.add(line);
    }
    return out;
  }
}
