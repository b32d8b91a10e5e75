package dev.whereabouts.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator: CLIENTS threads each send GET URL back to back for SECONDS after a
 * warm-up, then it prints requests/s, latency percentiles and the count of non-2xx answers.
 *
 * <p>Usage: {@code LoadTest URL CLIENTS SECONDS [WARMUP_SECONDS]}. Loopback targets only.
 */
public final class LoadTest {
  private LoadTest() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: LoadTest URL CLIENTS SECONDS [WARMUP_SECONDS]");
      System.exit(2);
    }
    URI uri = URI.create(args[0]);
    if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
      System.err.println("LoadTest only targets loopback addresses");
      System.exit(2);
    }
    int clients = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    long warmup = args.length > 3 ? Long.parseLong(args[3]) : 3;
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(4))
            .build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();

    run(http, request, clients, warmup * 1000, null);
    AtomicLong errors = new AtomicLong();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    List<long[]> all = run(http, request, clients, seconds * 1000, errors);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6;
    int n = all.stream().mapToInt(a -> a.length).sum();
    long[] latencies = new long[n];
    int i = 0;
    for (long[] a : all) {
      System.arraycopy(a, 0, latencies, i, a.length);
      i += a.length;
    }
    Arrays.sort(latencies);
    System.out.printf(
        "clients=%d seconds=%.1f requests=%d errors=%d throughput=%.0f/s p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms"
            + " (this load generator: %.0f %% CPU, %.2f ms per request)%n",
        clients,
        elapsed,
        n,
        errors.get(),
        n / elapsed,
        pct(latencies, 0.50),
        pct(latencies, 0.90),
        pct(latencies, 0.99),
        pct(latencies, 1.0),
        cpuMs / 10 / elapsed,
        cpuMs / Math.max(1, n));
    System.exit(0);
  }

  private static List<long[]> run(
      HttpClient http, HttpRequest request, int clients, long millis, AtomicLong errors)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long deadline = System.nanoTime() + millis * 1_000_000;
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                long[] out = new long[1024];
                int k = 0;
                while (System.nanoTime() < deadline) {
                  long t0 = System.nanoTime();
                  int status;
                  try {
                    status =
                        http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                  } catch (Exception e) {
                    status = -1;
                  }
                  long t = System.nanoTime() - t0;
                  if (errors != null && (status < 200 || status > 299)) {
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
    List<long[]> results = new ArrayList<>();
    for (Future<long[]> f : futures) {
      results.add(f.get());
    }
    pool.shutdown();
    return results;
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }
}
