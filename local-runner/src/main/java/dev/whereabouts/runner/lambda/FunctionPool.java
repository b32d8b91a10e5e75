package dev.whereabouts.runner.lambda;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The execution environments of one function. A request takes an idle environment or, when all are
 * busy, creates a new one (a cold start); an environment that timed out or crashed is thrown away,
 * as Lambda does. With {@code watch}, a rebuilt jar retires every environment of the old build: the
 * next request loads the new jar in a fresh class loader. Classes compiled from source ({@link
 * #load}) retire them the same way. A retired build's class loader is closed when its last busy
 * environment finishes.
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
  private CompiledClasses compiled = CompiledClasses.NONE;
  private CompiledClassLoader.Dependencies dependencies;
  private FileTime dependenciesJarTime;

  /** Environments alive per build (idle or busy), so a retired build is closed when unused. */
  private final Map<Long, Integer> environments = new HashMap<>();

  private final Map<Long, FunctionCode> retired = new HashMap<>();
  private boolean closed;

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
    return invoke(eventJson, requestId, null);
  }

  /**
   * Invokes the function as {@link #invoke(String, String)}, within the trace of {@code
   * upstreamTrace} (the caller's X-Ray header; null starts a new trace, as a direct invoke does).
   */
  public Invocation invoke(String eventJson, String requestId, String upstreamTrace)
      throws FunctionInitException {
    String trace = TraceHeader.forInvocation(upstreamTrace, java.time.Instant.now());
    peak.accumulateAndGet(busy.incrementAndGet(), Math::max);
    try {
      return invokeWithFault(eventJson, requestId, trace);
    } finally {
      busy.decrementAndGet();
    }
  }

  private Invocation invokeWithFault(String eventJson, String requestId, String trace)
      throws FunctionInitException {
    FunctionFault f = fault;
    if (f.none()) {
      return invokeInEnvironment(eventJson, requestId, trace);
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
      return new Invocation.TimedOut(
          "Task timed out after " + timeoutMs / 1000.0 + " seconds (injected latency)", delay, 0);
    }
    if (f.failureRate() > 0
        && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < f.failureRate()) {
      return new Invocation.Failed(
          FunctionFault.ERROR_TYPE, "failure injected by the local runner", delay, 0);
    }
    Invocation r = invokeInEnvironment(eventJson, requestId, trace);
    boolean garbage =
        f.garbageRate() > 0
            && r instanceof Invocation.Returned
            && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < f.garbageRate();
    if (garbage) {
      r =
          new Invocation.Returned(
              "{\"statusCode\":200,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":"
                  + com.fasterxml.jackson.databind.node.TextNode.valueOf(FunctionFault.GARBAGE)
                  + "}",
              r.durationMs(),
              r.initMs());
    }
    return r.delayedBy(delay);
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

  private Invocation invokeInEnvironment(String eventJson, String requestId, String trace)
      throws FunctionInitException {
    ExecutionEnvironment env = acquire();
    double initMs = 0;
    if (env == null) {
      long start = System.nanoTime();
      FunctionCode current = reserve();
      int number = created.incrementAndGet();
      try {
        env = new ExecutionEnvironment(current, number, output);
      } catch (FunctionInitException | RuntimeException e) {
        unreserve(current.generation);
        throw e;
      }
      initMs = (System.nanoTime() - start) / 1e6;
      listener.coldStart(config.name(), number, initMs);
    }
    Invocation result = env.invoke(eventJson, requestId, trace);
    release(env);
    return initMs > 0 ? result.withInit(initMs) : result;
  }

  /**
   * Runs the function from these classes (compiled from its sources) over its jar's dependencies
   * from the next request on; {@link CompiledClasses#NONE} runs it from the jar alone. Idle
   * environments are retired now, busy ones when they finish.
   */
  public synchronized void load(CompiledClasses classes) {
    compiled = classes;
    generation++;
    idle.forEach(this::retire);
    idle.clear();
  }

  /** The loaded classes of the current build, loading them on first use. */
  private synchronized FunctionCode code() throws FunctionInitException {
    if (code == null || code.generation != generation) {
      if (code != null) {
        // The previous build's loader stays open while its busy environments finish.
        retired.put(code.generation, code);
        closeIfUnused(code.generation);
      }
      code = new FunctionCode(config, generation, loader());
    }
    return code;
  }

  private URLClassLoader loader() throws FunctionInitException {
    String name = config.name() + "@" + generation;
    try {
      if (compiled.isEmpty()) {
        return new URLClassLoader(
            name, new URL[] {config.jar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      }
      if (dependencies == null || !jarTime.equals(dependenciesJarTime)) {
        // A rebuilt jar may bring other dependencies. The old loader closes when unreachable.
        dependencies =
            new CompiledClassLoader.Dependencies(config.name() + "-dependencies", config.jar());
        dependenciesJarTime = jarTime;
      }
      dependencies.hide(compiled.packages());
      return new CompiledClassLoader(name, compiled, dependencies);
    } catch (MalformedURLException e) {
      throw new FunctionInitException(config.name() + ": cannot read " + config.jar(), e);
    }
  }

  /**
   * The current build, counted as used by one more environment before that environment exists, so a
   * reload while its init runs cannot close the loader under it.
   */
  private synchronized FunctionCode reserve() throws FunctionInitException {
    FunctionCode current = code();
    environments.merge(current.generation, 1, Integer::sum);
    return current;
  }

  private synchronized void retire(ExecutionEnvironment env) {
    env.close();
    unreserve(env.generation());
  }

  private synchronized void unreserve(long build) {
    environments.computeIfPresent(build, (g, n) -> n == 1 ? null : n - 1);
    closeIfUnused(build);
  }

  private void closeIfUnused(long build) {
    if (environments.containsKey(build) || (build == generation && !closed)) {
      return;
    }
    FunctionCode old = retired.remove(build);
    if (old == null && code != null && code.generation == build) {
      old = code; // a request that reached a closed pool built it
      code = null;
    }
    if (old != null) {
      old.close();
    }
  }

  private synchronized ExecutionEnvironment acquire() {
    if (watch) {
      FileTime now = modified();
      if (now != null && !now.equals(jarTime)) {
        jarTime = now;
        generation++;
        idle.forEach(this::retire);
        idle.clear();
        listener.reloaded(config.name());
      }
    }
    return idle.pollFirst();
  }

  private synchronized void release(ExecutionEnvironment env) {
    if (env.broken() || env.generation() != generation || closed) {
      retire(env);
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

  /**
   * Retires every environment: idle ones now, busy ones when their request finishes (a template
   * reload that replaces a function lets its requests in flight complete).
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (code != null) {
      retired.put(code.generation, code);
      code = null;
    }
    idle.forEach(this::retire);
    idle.clear();
    for (Long build : retired.keySet().toArray(Long[]::new)) {
      closeIfUnused(build);
    }
    if (environments.isEmpty() && dependencies != null) {
      try {
        dependencies.close();
      } catch (IOException ignored) {
        // the jar stays open at worst
      }
    }
  }
}
