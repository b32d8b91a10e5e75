package dev.whereabouts.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * A closed-loop load generator: CLIENTS threads each send GET URL back to back for SECONDS after a
 * warm-up, then it prints requests/s, latency percentiles, the count of non-2xx answers and its own
 * CPU use.
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

    ClosedLoop.Call get =
        () -> {
          int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          return status >= 200 && status <= 299;
        };
    ClosedLoop.run(get, clients, warmup * 1000);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    ClosedLoop.Result r = ClosedLoop.run(get, clients, seconds * 1000);
    double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6;
    System.out.printf(
        "clients=%d seconds=%.1f requests=%d errors=%d throughput=%.0f/s p50=%.2fms p90=%.2fms"
            + " p99=%.2fms max=%.2fms (this load generator: %.0f %% CPU, %.2f ms per request)%n",
        clients,
        r.seconds(),
        r.latencies().length,
        r.errors(),
        r.throughput(),
        r.ms(0.50),
        r.ms(0.90),
        r.ms(0.99),
        r.ms(1.0),
        cpuMs / 10 / r.seconds(),
        cpuMs / Math.max(1, r.latencies().length));
    System.exit(0);
  }
}
