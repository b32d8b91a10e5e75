package dev.whereabouts.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: each of N client threads calls the same task back to back until a deadline.
 * Shared by the benchmarks that drive the runner and DynamoDB Local.
 */
final class ClosedLoop {
  /** One call; {@code false} or an exception counts as an error. */
  interface Call {
    boolean call() throws Exception;
  }

  /** Every call's latency in nanoseconds, sorted, and the count of failed calls. */
  record Result(long[] latencies, long errors, double seconds) {
    double throughput() {
      return latencies.length / seconds;
    }

    /** The {@code q} quantile in milliseconds. */
    double ms(double q) {
      if (latencies.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(q * latencies.length) - 1;
      return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
    }
  }

  private ClosedLoop() {}

  static Result run(Call call, int clients, long millis) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                long[] out = new long[1024];
                int k = 0;
                while (System.nanoTime() < deadline) {
                  long t0 = System.nanoTime();
                  boolean ok;
                  try {
                    ok = call.call();
                  } catch (Exception e) {
                    ok = false;
                  }
                  long t = System.nanoTime() - t0;
                  if (!ok) {
                    errors.incrementAndGet();
                  }
                  if (k == out.length) {
                    out = Arrays.copyOf(out, k * 2);
                  }
                  out[k++] = t;
                }
                return Arrays.copyOf(out, k);
              }));
    }
    long[] all = new long[0];
    for (Future<long[]> f : futures) {
      long[] part = f.get();
      int from = all.length;
      all = Arrays.copyOf(all, from + part.length);
      System.arraycopy(part, 0, all, from, part.length);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    Arrays.sort(all);
    return new Result(all, errors.get(), seconds);
  }
}
