package dev.whereabouts.runner.lambda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The execution environments of one function. A request takes an idle environment or, when all are
 * busy, creates a new one (a cold start); an environment that timed out or crashed is thrown away,
 * as Lambda does. With {@code watch}, a rebuilt jar retires every environment of the old build: the
 * next request loads the new jar in a fresh class loader.
 */
public final class FunctionPool implements AutoCloseable {
  /** What the pool tells the operator about. */
  public interface Listener {
    /** A new environment was created. */
    void coldStart(String function, int environment, double initMs);

    /** The jar changed and the function was reloaded. */
    void reloaded(String function);
  }

  private final FunctionConfig config;
  private final boolean watch;
  private final Listener listener;
  private final Consumer<Runnable> output;
  private final Deque<ExecutionEnvironment> idle = new ArrayDeque<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger busy = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private volatile FunctionFault fault = FunctionFault.NONE;
  private long generation;
  private FileTime jarTime;
  private FunctionCode code;

  /**
   * @param output wraps every task an environment's thread runs (the runner uses it to route the
   *     function's console output under its name)
   */
  public FunctionPool(
      FunctionConfig config, boolean watch, Listener listener, Consumer<Runnable> output) {
    this.config = config;
    this.watch = watch;
    this.listener = listener;
    this.output = output;
    this.jarTime = modified();
  }

  public FunctionConfig config() {
    return config;
  }

  /**
   * Invokes the function with an event given as JSON, in an idle environment or a new one.
   *
   * @throws FunctionInitException when a needed new environment cannot be created
   */
  public Invocation invoke(String eventJson, String requestId) throws FunctionInitException {
    peak.accumulateAndGet(busy.incrementAndGet(), Math::max);
    try {
      return invokeWithFault(eventJson, requestId);
    } finally {
      busy.decrementAndGet();
    }
  }

  private Invocation invokeWithFault(String eventJson, String requestId)
      throws FunctionInitException {
    FunctionFault f = fault;
    if (f.none()) {
      return invokeInEnvironment(eventJson, requestId);
    }
    long timeoutMs = config.timeout().toMillis();
    long delay = Math.min(f.latencyMs(), timeoutMs);
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (f.latencyMs() >= timeoutMs) {
      return new Invocation(
          null,
          "Sandbox.Timedout",
          "Task timed out after " + timeoutMs / 1000.0 + " seconds (injected latency)",
          true,
          delay,
          0);
    }
    if (f.failureRate() > 0
        && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < f.failureRate()) {
      return new Invocation(
          null, FunctionFault.ERROR_TYPE, "failure injected by the local runner", false, delay, 0);
    }
    Invocation r = invokeInEnvironment(eventJson, requestId);
    return new Invocation(
        r.payload(),
        r.errorType(),
        r.errorMessage(),
        r.timedOut(),
        r.durationMs() + delay,
        r.initMs());
  }

  /** The fault injected into this function's invocations from now on. */
  public void inject(FunctionFault fault) {
    this.fault = fault;
  }

  /** The fault injected now. */
  public FunctionFault fault() {
    return fault;
  }

  /**
   * The most invocations in flight at once since the last call (CloudWatch's {@code
   * ConcurrentExecutions}); starts the next interval at those in flight now.
   */
  public int takePeakConcurrency() {
    return peak.getAndSet(busy.get());
  }

  private Invocation invokeInEnvironment(String eventJson, String requestId)
      throws FunctionInitException {
    ExecutionEnvironment env = acquire();
    double initMs = 0;
    if (env == null) {
      long start = System.nanoTime();
      FunctionCode current = code();
      int number = created.incrementAndGet();
      env = new ExecutionEnvironment(current, number, output);
      initMs = (System.nanoTime() - start) / 1e6;
      listener.coldStart(config.name(), number, initMs);
    }
    Invocation result = env.invoke(eventJson, requestId);
    release(env);
    return initMs > 0 ? result.withInit(initMs) : result;
  }

  /** The loaded classes of the current build, loading them on first use. */
  private synchronized FunctionCode code() throws FunctionInitException {
    if (code == null || code.generation != generation) {
      // The previous build's loader stays open while its busy environments finish.
      code = new FunctionCode(config, generation);
    }
    return code;
  }

  private synchronized ExecutionEnvironment acquire() {
    if (watch) {
      FileTime now = modified();
      if (now != null && !now.equals(jarTime)) {
        jarTime = now;
        generation++;
        idle.forEach(ExecutionEnvironment::close);
        idle.clear();
        listener.reloaded(config.name());
      }
    }
    return idle.pollFirst();
  }

  private synchronized void release(ExecutionEnvironment env) {
    if (env.broken() || env.generation() != generation) {
      env.close();
    } else {
      idle.addFirst(env);
    }
  }

  /** How many environments exist now (idle ones; busy ones are counted by the caller). */
  public synchronized int idleEnvironments() {
    return idle.size();
  }

  /** How many environments were ever created. */
  public int environmentsCreated() {
    return created.get();
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(config.jar());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    idle.forEach(ExecutionEnvironment::close);
    idle.clear();
    if (code != null) {
      code.close();
    }
  }
}
