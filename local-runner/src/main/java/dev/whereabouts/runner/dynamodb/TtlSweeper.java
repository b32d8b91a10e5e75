package dev.whereabouts.runner.dynamodb;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * DynamoDB's time to live, done by the runner: every {@code interval} it deletes the expired items
 * of every table that declares a TTL attribute in the template. DynamoDB itself deletes within days
 * of expiry, so functions check expiry on read anyway; this keeps local tables from filling up with
 * dead tokens and lock-out records.
 */
public final class TtlSweeper implements AutoCloseable {
  private final Tables tables;
  private final List<TableSpec> withTtl;
  private final Consumer<String> console;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ttl-sweeper");
            t.setDaemon(true);
            return t;
          });

  public TtlSweeper(Tables tables, List<TableSpec> tablesOfTemplate, Consumer<String> console) {
    this.tables = tables;
    this.withTtl = tablesOfTemplate.stream().filter(t -> t.ttlAttribute().isPresent()).toList();
    this.console = console;
  }

  /** The tables it sweeps. */
  public List<TableSpec> tables() {
    return withTtl;
  }

  /** Sweeps every {@code interval}, starting one interval from now. */
  public void start(Duration interval) {
    if (withTtl.isEmpty()) {
      return;
    }
    timer.scheduleWithFixedDelay(
        this::sweepQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Sweeps every TTL table once, printing one line per table that had expired items.
   *
   * @return how many items were deleted in all
   */
  public int sweep() {
    int total = 0;
    for (TableSpec table : withTtl) {
      int deleted = tables.deleteExpired(table);
      if (deleted > 0) {
        console.accept(
            "TTL: deleted "
                + deleted
                + " expired item"
                + (deleted == 1 ? "" : "s")
                + " from "
                + table.name());
      }
      total += deleted;
    }
    return total;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      // the engine may be restarting (fault tests) or gone (shutdown): try again next time
      console.accept("TTL: sweep skipped: " + e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
