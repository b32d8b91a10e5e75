package dev.whereabouts.runner.cloudwatch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The runner's CloudWatch: every sample of every metric, kept in one-second buckets for {@link
 * #RETENTION_SECONDS}, from which any period that is a whole number of seconds and any statistic
 * are computed as CloudWatch computes them. Sum, SampleCount, Minimum, Maximum and Average are
 * exact; percentiles are exact while a second holds at most {@link #KEPT_PER_SECOND} samples of a
 * metric and computed from a uniform sample of that second (weighted by its count) beyond. Seconds
 * older than {@link #DETAILED_SECONDS} keep {@link #KEPT_WHEN_OLD} samples each for percentiles, so
 * that an hour of load costs a few megabytes, not hundreds.
 */
public final class MetricStore {
  /** How long samples are kept: longer than any alarm here looks back (3 × 5 minutes). */
  public static final long RETENTION_SECONDS = 3600;

  /** Samples kept per metric and second for percentiles. */
  static final int KEPT_PER_SECOND = 256;

  /** How long seconds keep all their kept samples: the longest alarm range here (3 × 5 min). */
  static final long DETAILED_SECONDS = 900;

  /** Samples a second keeps for percentiles once older than {@link #DETAILED_SECONDS}. */
  static final int KEPT_WHEN_OLD = 8;

  /** One datapoint: the period's start (epoch ms) and its value. */
  public record Datapoint(long timestamp, double value) {}

  private static final class Bucket {
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double[] kept = new double[4];
    int keptSize;

    void add(double v) {
      count++;
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (keptSize < KEPT_PER_SECOND) {
        if (keptSize == kept.length) {
          kept = Arrays.copyOf(kept, Math.min(KEPT_PER_SECOND, keptSize * 2));
        }
        kept[keptSize++] = v;
      } else {
        // Reservoir sampling: every sample of the second has the same chance to be kept.
        long slot = ThreadLocalRandom.current().nextLong(count);
        if (slot < KEPT_PER_SECOND) {
          kept[(int) slot] = v;
        }
      }
    }

    /** Keeps a uniform sample of {@code n} of the kept values. */
    void thin(int n) {
      if (keptSize <= n) {
        return;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < n; i++) {
        int j = i + random.nextInt(keptSize - i);
        double t = kept[i];
        kept[i] = kept[j];
        kept[j] = t;
      }
      kept = Arrays.copyOf(kept, n);
      keptSize = n;
    }
  }

  private static final class Series {
    final NavigableMap<Long, Bucket> seconds = new TreeMap<>();
    long thinnedBefore = Long.MIN_VALUE;
  }

  private final Clock clock;
  private final Map<MetricKey, Series> series = new ConcurrentHashMap<>();

  /** A store whose samples are stamped by {@code clock}. */
  public MetricStore(Clock clock) {
    this.clock = clock;
  }

  /** The store's clock (alarms and the page read time from it too). */
  public Clock clock() {
    return clock;
  }

  /** Records one sample now. */
  public void put(MetricKey key, double value) {
    put(key, value, clock.millis());
  }

  /** Records one sample at {@code epochMs}. */
  public void put(MetricKey key, double value, long epochMs) {
    Series s = series.computeIfAbsent(key, k -> new Series());
    long second = Math.floorDiv(epochMs, 1000);
    synchronized (s) {
      s.seconds.computeIfAbsent(second, x -> new Bucket()).add(value);
      if (s.seconds.firstKey() < second - RETENTION_SECONDS) {
        s.seconds.headMap(second - RETENTION_SECONDS).clear();
      }
      long old = second - DETAILED_SECONDS;
      if (old > s.thinnedBefore) {
        for (Bucket b : s.seconds.subMap(s.thinnedBefore, true, old, false).values()) {
          b.thin(KEPT_WHEN_OLD);
        }
        s.thinnedBefore = old;
      }
    }
  }

  /** Samples kept for percentiles of {@code key}, all seconds together (memory, for tests). */
  int keptSamples(MetricKey key) {
    Series s = series.get(key);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.seconds.values().stream().mapToInt(b -> b.keptSize).sum();
    }
  }

  /** Every metric that has had a sample. */
  public Set<MetricKey> metrics() {
    return Set.copyOf(series.keySet());
  }

  /**
   * The statistic over the samples in [{@code fromMs}, {@code toMs}); empty when there is none
   * (CloudWatch's missing datapoint).
   */
  public java.util.OptionalDouble statistic(MetricKey key, Statistic stat, long fromMs, long toMs) {
    Series s = series.get(key);
    if (s == null) {
      return java.util.OptionalDouble.empty();
    }
    long count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    List<double[]> weighted = stat.kind() == Statistic.Kind.PERCENTILE ? new ArrayList<>() : null;
    synchronized (s) {
      for (Bucket b :
          s.seconds
              .subMap(Math.floorDiv(fromMs, 1000), true, Math.floorDiv(toMs - 1, 1000), true)
              .values()) {
        count += b.count;
        sum += b.sum;
        min = Math.min(min, b.min);
        max = Math.max(max, b.max);
        if (weighted != null) {
          double weight = (double) b.count / b.keptSize;
          for (int i = 0; i < b.keptSize; i++) {
            weighted.add(new double[] {b.kept[i], weight});
          }
        }
      }
    }
    if (count == 0) {
      return java.util.OptionalDouble.empty();
    }
    return java.util.OptionalDouble.of(
        switch (stat.kind()) {
          case SUM -> sum;
          case AVERAGE -> sum / count;
          case MINIMUM -> min;
          case MAXIMUM -> max;
          case SAMPLE_COUNT -> count;
          case PERCENTILE -> percentile(weighted, count, stat.percentile());
        });
  }

  /**
   * Nearest rank: the smallest sample such that at least the fraction {@code q} of all samples are
   * at or below it (p50 of 1, 2, 3, 4 is 2; p99 of 100 samples is the 99th smallest).
   */
  private static double percentile(List<double[]> weighted, long count, double q) {
    weighted.sort((a, b) -> Double.compare(a[0], b[0]));
    double rank = Math.max(1, Math.ceil(q * count - 1e-9));
    double seen = 0;
    for (double[] w : weighted) {
      seen += w[1];
      if (seen >= rank - 1e-9) {
        return w[0];
      }
    }
    return weighted.get(weighted.size() - 1)[0];
  }

  /**
   * Datapoints of {@code periodSeconds} from {@code fromMs} to {@code toMs}, periods aligned to
   * multiples of the period since the epoch as CloudWatch aligns them; periods without samples are
   * left out.
   */
  public List<Datapoint> datapoints(
      MetricKey key, Statistic stat, int periodSeconds, long fromMs, long toMs) {
    long periodMs = periodSeconds * 1000L;
    List<Datapoint> out = new ArrayList<>();
    for (long start = Math.floorDiv(fromMs, periodMs) * periodMs; start < toMs; start += periodMs) {
      long at = start;
      statistic(key, stat, start, start + periodMs).ifPresent(v -> out.add(new Datapoint(at, v)));
    }
    return out;
  }
}
