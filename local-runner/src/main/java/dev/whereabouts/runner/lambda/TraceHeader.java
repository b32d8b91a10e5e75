package dev.whereabouts.runner.lambda;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * X-Ray trace headers as API Gateway and Lambda make them: {@code Root=1-<8 hex epoch seconds>-<24
 * hex>;Parent=<16 hex>;Sampled=<0|1>}.
 *
 * <p>The header of the request or invocation a thread is working for is kept per thread: the
 * runner's log lines take their {@code traceId} from it, and {@link System#getProperty} answers
 * {@value #PROPERTY} from it. The Lambda Java runtime sets that property before each invocation (a
 * Java process cannot change its own environment, so {@code _X_AMZN_TRACE_ID} cannot follow each
 * invocation there), and tracing libraries read it; the runner runs many environments in one JVM,
 * so a process-wide property would hand one invocation another's trace.
 */
public final class TraceHeader {
  /** The system property the Lambda Java runtime sets to the invocation's trace header. */
  public static final String PROPERTY = "com.amazonaws.xray.traceHeader";

  private static final Pattern ROOT =
      Pattern.compile("(?:^|;)\\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})(?:;|$)");
  private static final Pattern SAMPLED = Pattern.compile("(?:^|;)\\s*Sampled=([01])(?:;|$)");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
  private static volatile boolean installed;

  private TraceHeader() {}

  /**
   * The header API Gateway passes on for a request that arrived with {@code incoming} (null when
   * none): a valid client {@code Root} is kept (and its {@code Sampled} decision), as API Gateway
   * does with tracing on; otherwise a new trace starts. {@code Parent} is the gateway's segment.
   */
  public static String forRequest(String incoming, Instant now) {
    String root = root(incoming);
    if (root == null) {
      return header(newRoot(now), "1");
    }
    Matcher sampled = incoming == null ? null : SAMPLED.matcher(incoming);
    return header(root, sampled != null && sampled.find() ? sampled.group(1) : "1");
  }

  /**
   * The header one invocation sees (Lambda's own segment as {@code Parent}): same root and sampling
   * decision as {@code upstream}; a new trace when {@code upstream} is null or invalid (a direct
   * invoke).
   */
  public static String forInvocation(String upstream, Instant now) {
    return forRequest(upstream, now);
  }

  /** The trace id ({@code 1-…-…}) of a header; null when it has no valid {@code Root}. */
  public static String root(String header) {
    if (header == null) {
      return null;
    }
    Matcher m = ROOT.matcher(header);
    return m.find() ? m.group(1) : null;
  }

  /** The header this thread works for now, or null. */
  public static String current() {
    return CURRENT.get();
  }

  /** Sets (or with null, clears) the header this thread works for. */
  public static void setCurrent(String header) {
    if (header == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(header);
    }
  }

  /**
   * Makes {@link System#getProperty} answer {@value #PROPERTY} with the calling thread's header
   * (once per JVM; other properties are untouched).
   */
  public static synchronized void installProperty() {
    if (installed) {
      return;
    }
    Properties perThread = new PerThreadTraceProperty();
    perThread.putAll(System.getProperties());
    System.setProperties(perThread);
    installed = true;
  }

  private static String newRoot(Instant now) {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    return String.format("1-%08x-%s", now.getEpochSecond(), HexFormat.of().formatHex(id));
  }

  private static String header(String root, String sampled) {
    byte[] parent = new byte[8];
    RANDOM.nextBytes(parent);
    return "Root=" + root + ";Parent=" + HexFormat.of().formatHex(parent) + ";Sampled=" + sampled;
  }

  private static final class PerThreadTraceProperty extends Properties {
    private static final long serialVersionUID = 1L;

    @Override
    public String getProperty(String key) {
      if (PROPERTY.equals(key)) {
        String header = CURRENT.get();
        if (header != null) {
          return header;
        }
      }
      return super.getProperty(key);
    }
  }
}
