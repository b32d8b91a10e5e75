package dev.whereabouts.runner.cloudwatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.template.Suite;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The template's alarms, evaluated against the {@link MetricStore} as CloudWatch evaluates them:
 * the last {@code EvaluationPeriods} periods of the metric (or of the metric math), each compared
 * with the threshold, {@code DatapointsToAlarm} of them breaching make ALARM, missing datapoints
 * treated as {@code TreatMissingData} says; composite alarms from their rule over the others.
 *
 * <p>One difference on purpose: CloudWatch evaluates whole periods aligned to the clock, some time
 * after they end; the runner's periods end at the moment of evaluation (every second), so a fault
 * shows within seconds rather than minutes. The number of periods and their length are the
 * template's.
 */
public final class Alarms {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter REASON_TIME =
      DateTimeFormatter.ofPattern("dd/MM/yy HH:mm:ss").withZone(ZoneOffset.UTC);

  /** What the console hears. */
  public interface Listener {
    /**
     * An alarm changed state.
     *
     * @param first whether this is the alarm's first evaluation (from INSUFFICIENT_DATA at start)
     */
    void changed(String alarm, State from, State to, String reason, boolean first);
  }

  /** One alarm's state, as {@code ops status} shows it. */
  public record Status(
      String name,
      State state,
      String reason,
      Instant since,
      boolean composite,
      String description,
      List<OptionalDouble> lastDatapoints) {
    int severity() {
      return switch (state) {
        case ALARM -> 0;
        case INSUFFICIENT_DATA -> 1;
        case OK -> 2;
      };
    }
  }

  private final List<AlarmDefinition> definitions;
  private final MetricStore store;
  private final Listener listener;
  private final Map<String, Status> states = new LinkedHashMap<>();
  private final Map<String, Boolean> evaluated = new HashMap<>();

  public Alarms(List<AlarmDefinition> definitions, MetricStore store, Listener listener) {
    this.definitions = List.copyOf(definitions);
    this.store = store;
    this.listener = listener;
    Instant now = Instant.ofEpochMilli(store.clock().millis());
    for (AlarmDefinition d : definitions) {
      states.put(
          d.name(),
          new Status(
              d.name(),
              State.INSUFFICIENT_DATA,
              "Unchecked: Initial alarm creation",
              now,
              d instanceof AlarmDefinition.Composite,
              d.description(),
              List.of()));
    }
  }

  /**
   * The alarms of the template's resources.
   *
   * @throws IllegalArgumentException naming an alarm the runner cannot evaluate
   */
  public static Alarms of(List<Suite.Resource> resources, MetricStore store, Listener listener) {
    return new Alarms(AlarmDefinition.read(resources), store, listener);
  }

  /** The alarms as declared. */
  public List<AlarmDefinition> definitions() {
    return definitions;
  }

  /** Evaluates every alarm now (the store's clock). */
  public synchronized void evaluate() {
    long now = store.clock().millis();
    for (AlarmDefinition d : definitions) {
      if (d instanceof AlarmDefinition.Metric m) {
        evaluateMetric(m, now);
      }
    }
    // Composites may name composites: repeat until nothing changes (a cycle stops after n rounds).
    for (int round = 0; round < definitions.size(); round++) {
      boolean changed = false;
      for (AlarmDefinition d : definitions) {
        if (d instanceof AlarmDefinition.Composite c) {
          changed |= evaluateComposite(c, now);
        }
      }
      if (!changed) {
        break;
      }
    }
  }

  private void evaluateMetric(AlarmDefinition.Metric m, long now) {
    long end = Math.floorDiv(now, 1000) * 1000;
    long periodMs = m.periodSeconds() * 1000L;
    List<OptionalDouble> points = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    for (int k = m.evaluationPeriods() - 1; k >= 0; k--) {
      long from = end - (k + 1) * periodMs;
      points.add(value(m, m.compared(), from, from + periodMs, new HashMap<>()));
      starts.add(from);
    }
    int breaching = 0;
    int missing = 0;
    for (OptionalDouble p : points) {
      if (p.isEmpty()) {
        missing++;
        if (m.missingData() == AlarmDefinition.MissingData.breaching) {
          breaching++;
        }
      } else if (m.comparison().breaches(p.getAsDouble(), m.threshold())) {
        breaching++;
      }
    }
    Status current = states.get(m.name());
    State next;
    if (missing == points.size()
        && (m.missingData() == AlarmDefinition.MissingData.missing
            || m.missingData() == AlarmDefinition.MissingData.ignore)) {
      next =
          m.missingData() == AlarmDefinition.MissingData.ignore
                  && current.state() != State.INSUFFICIENT_DATA
              ? current.state()
              : State.INSUFFICIENT_DATA;
    } else {
      next = breaching >= m.datapointsToAlarm() ? State.ALARM : State.OK;
    }
    String reason = reason(m, points, starts, breaching, missing, next);
    transition(m.name(), current, next, reason, now, points);
  }

  private OptionalDouble value(
      AlarmDefinition.Metric m,
      AlarmDefinition.Query q,
      long from,
      long to,
      Map<String, OptionalDouble> seen) {
    if (seen.containsKey(q.id())) {
      return seen.get(q.id());
    }
    seen.put(q.id(), OptionalDouble.empty()); // a cycle reads as missing
    OptionalDouble v;
    if (q.metric().isPresent()) {
      v = store.statistic(q.metric().get(), q.statistic().orElseThrow(), from, to);
    } else {
      v =
          q.expression()
              .orElseThrow()
              .evaluate(
                  id ->
                      m.queries().stream()
                          .filter(o -> o.id().equals(id))
                          .findFirst()
                          .map(o -> value(m, o, from, to, seen))
                          .orElseThrow(
                              () ->
                                  new IllegalArgumentException(
                                      m.name() + ": metric math names unknown id " + id)));
    }
    seen.put(q.id(), v);
    return v;
  }

  private static String reason(
      AlarmDefinition.Metric m,
      List<OptionalDouble> points,
      List<Long> starts,
      int breaching,
      int missing,
      State next) {
    if (next == State.INSUFFICIENT_DATA) {
      return "Insufficient Data: " + points.size() + " datapoints were unknown.";
    }
    if (missing == points.size()) {
      return String.format(
          Locale.ROOT,
          "Threshold Crossed: no datapoints were received for %d period%s and %d missing"
              + " datapoint%s %s treated as %s.",
          points.size(),
          points.size() == 1 ? "" : "s",
          missing,
          missing == 1 ? "" : "s",
          missing == 1 ? "was" : "were",
          m.missingData());
    }
    StringBuilder list = new StringBuilder();
    for (int i = points.size() - 1; i >= 0; i--) {
      if (points.get(i).isPresent()) {
        if (list.length() > 0) {
          list.append(", ");
        }
        list.append(format(points.get(i).getAsDouble()))
            .append(" (")
            .append(REASON_TIME.format(Instant.ofEpochMilli(starts.get(i))))
            .append(')');
      }
    }
    String comparison =
        switch (m.comparison()) {
          case GreaterThanOrEqualToThreshold -> "greater than or equal to";
          case GreaterThanThreshold -> "greater than";
          case LessThanThreshold -> "less than";
          case LessThanOrEqualToThreshold -> "less than or equal to";
        };
    String s =
        String.format(
            Locale.ROOT,
            "Threshold Crossed: %d out of the last %d datapoints [%s] %s %s the threshold (%s)"
                + " (minimum %d datapoints for OK -> ALARM transition).",
            breaching,
            points.size(),
            list,
            breaching == 1 ? "was" : "were",
            comparison,
            format(m.threshold()),
            m.datapointsToAlarm());
    if (missing > 0) {
      s += " " + missing + " missing datapoints were treated as " + m.missingData() + ".";
    }
    return s;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  private boolean evaluateComposite(AlarmDefinition.Composite c, long now) {
    boolean holds =
        c.rule()
            .holds(
                name -> {
                  Status s = states.get(name);
                  return s == null ? State.INSUFFICIENT_DATA : s.state();
                });
    State next = holds ? State.ALARM : State.OK;
    List<String> firing =
        AlarmRule.names(c.rule()).stream()
            .filter(n -> states.containsKey(n) && states.get(n).state() == State.ALARM)
            .distinct()
            .toList();
    String reason =
        holds
            ? "the alarm rule holds; in ALARM: " + String.join(", ", firing)
            : "the alarm rule does not hold";
    Status current = states.get(c.name());
    boolean changed = current.state() != next;
    transition(c.name(), current, next, reason, now, List.of());
    return changed;
  }

  private void transition(
      String name, Status current, State next, String reason, long now, List<OptionalDouble> pts) {
    boolean first = !evaluated.containsKey(name);
    evaluated.put(name, true);
    if (current.state() == next) {
      states.put(
          name,
          new Status(
              name,
              next,
              current.reason(),
              current.since(),
              current.composite(),
              current.description(),
              pts));
      return;
    }
    states.put(
        name,
        new Status(
            name,
            next,
            reason,
            Instant.ofEpochMilli(now),
            current.composite(),
            current.description(),
            pts));
    listener.changed(name, current.state(), next, reason, first);
  }

  /** Every alarm's state, ALARM first, then INSUFFICIENT_DATA, OK last, by name within. */
  public synchronized List<Status> statuses() {
    return states.values().stream()
        .sorted(Comparator.comparingInt(Status::severity).thenComparing(Status::name))
        .toList();
  }

  /** The state of one alarm by name. */
  public synchronized State state(String name) {
    Status s = states.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no alarm named " + name);
    }
    return s.state();
  }

  /**
   * The JSON of {@code GET /_local/alarms}: what {@code ops status} prints, one object per alarm
   * ({@code name}, {@code state}, {@code reason}, {@code since}, {@code composite}), plus the
   * counts.
   */
  public ObjectNode toJson(String stack) {
    List<Status> all = statuses();
    ObjectNode root = JSON.createObjectNode();
    root.put("stack", stack);
    ArrayNode alarms = root.putArray("alarms");
    for (Status s : all) {
      ObjectNode a = alarms.addObject();
      a.put("name", s.name());
      a.put("state", s.state().name());
      a.put("reason", s.reason());
      a.put("since", s.since().toString());
      a.put("composite", s.composite());
      a.put("description", s.description());
      // A composite's rule: ops gate watches the health composite and the alarms it names.
      definitions.stream()
          .filter(d -> d instanceof AlarmDefinition.Composite && d.name().equals(s.name()))
          .findFirst()
          .ifPresent(d -> a.put("rule", ((AlarmDefinition.Composite) d).ruleText()));
    }
    root.put("total", all.size());
    root.put("notOk", all.stream().filter(s -> s.state() != State.OK).count());
    return root;
  }
}
