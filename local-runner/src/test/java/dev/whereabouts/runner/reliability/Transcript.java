package dev.whereabouts.runner.reliability;

import dev.whereabouts.runner.acceptance.Api;
import dev.whereabouts.runner.console.Console;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the suite under test said during the run: every line the runner and the functions
 * printed, and every response the reliability suites received.
 *
 * <p>Secrets are found by what they are, not by their shape: the suites {@linkplain #password
 * remember} every password they send and every token they get, and a secret is a remembered
 * password, a remembered token, a token's stored hash (base64url or hex SHA-256) or any PHC
 * password hash. Shape alone ("43 base64url characters") would flag the fuzzer's own random
 * userIds. A token is usually logged before the client has it, so candidates are kept as they
 * arrive and judged at the end.
 */
public final class Transcript {
  /** Every reliability password starts with this, so a password in a log is easy to spot. */
  static final String PASSWORD_PREFIX = "Pw-";

  private static final Pattern CANDIDATE =
      Pattern.compile(
          "(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"
              + "|(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])"
              + "|Pw-[0-9a-f]{20}"
              + "|\\$argon2");
  private static final int KEPT_LINES = 200_000;

  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static final List<String> CANDIDATES = new ArrayList<>();
  private static final ArrayDeque<String> LINES = new ArrayDeque<>();
  private static final AtomicLong LINE_COUNT = new AtomicLong();
  private static final AtomicLong RESPONSE_COUNT = new AtomicLong();

  private Transcript() {}

  /**
   * A stream that prints to {@code out} and keeps every line for the transcript. When {@code out}
   * is the runner's routing stream (an earlier runner of this JVM installed it as {@code
   * System.out}), it prints to the stream that one replaced ({@link Console#unrouted}).
   */
  public static PrintStream tee(PrintStream target) {
    PrintStream out = Console.unrouted(target);
    return new PrintStream(
        new OutputStream() {
          private final ByteArrayOutputStream line = new ByteArrayOutputStream();

          @Override
          public synchronized void write(int b) {
            out.write(b);
            if (b == '\n') {
              logLine(line.toString(StandardCharsets.UTF_8));
              line.reset();
            } else {
              line.write(b);
            }
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
              write(b[i]);
            }
          }

          @Override
          public void flush() {
            out.flush();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  static void logLine(String line) {
    LINE_COUNT.incrementAndGet();
    collect("log", line);
    synchronized (LINES) {
      LINES.addLast(line);
      if (LINES.size() > KEPT_LINES) {
        LINES.removeFirst();
      }
    }
  }

  /** Keeps everything a command printed (the ops CLI's, the runner's subcommands') for the scan. */
  static void output(String command, String text) {
    text.lines().forEach(line -> LINE_COUNT.incrementAndGet());
    collect(command, text);
  }

  /** A fresh password of the reliability suites (remembered as a secret). */
  public static String password() {
    byte[] random = new byte[10];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(random);
    String p = PASSWORD_PREFIX + HexFormat.of().formatHex(random);
    SECRETS.add(p);
    return p;
  }

  /** Remembers a token and both forms of its SHA-256 as secrets. */
  public static void token(String token) {
    SECRETS.addAll(forms(token));
  }

  /** A token, its stored hash (base64url SHA-256) and the hex form of that hash. */
  static List<String> forms(String token) {
    byte[] hash = sha256(token);
    return List.of(
        token,
        Base64.getUrlEncoder().withoutPadding().encodeToString(hash),
        HexFormat.of().formatHex(hash));
  }

  /**
   * Keeps a response for the scan. The one place a token may appear is the {@code accessToken} of a
   * successful {@code POST /auth/tokens}: the token is remembered and that field left out.
   */
  public static Api.Reply response(Api.Reply reply) {
    RESPONSE_COUNT.incrementAndGet();
    String body = reply.raw().body();
    if (reply.status() == 201 && reply.json() != null && reply.json().has("accessToken")) {
      String token = reply.json().get("accessToken").asText();
      token(token);
      body = body.replace(token, "<the issued token>");
    }
    collect("response", reply.raw().headers().map() + " " + body);
    return reply;
  }

  private static void collect(String where, String text) {
    List<String> found = candidates(where, text);
    if (!found.isEmpty()) {
      synchronized (CANDIDATES) {
        CANDIDATES.addAll(found);
      }
    }
  }

  /** What in the transcript is a secret, each named by where it was and its length only. */
  public static List<String> leaks() {
    synchronized (CANDIDATES) {
      return judge(CANDIDATES, SECRETS);
    }
  }

  /** Which candidates ({@code where:value}) are secrets. */
  static List<String> judge(List<String> candidates, Set<String> secrets) {
    List<String> found = new ArrayList<>();
    for (String c : candidates) {
      String where = c.substring(0, c.lastIndexOf(':'));
      String value = c.substring(c.lastIndexOf(':') + 1);
      if (value.equals("$argon2")) {
        found.add(where + ": a PHC password hash");
      } else if (secrets.contains(value)) {
        found.add(where + ": a remembered secret of " + value.length() + " characters");
      } else if (value.startsWith(PASSWORD_PREFIX)) {
        found.add(where + ": a reliability password");
      }
    }
    return found;
  }

  /**
   * The candidates found in {@code text}, each as {@code where:value}; {@code where} names the
   * source and, for a finding to be traceable, the text around it with the value cut out.
   */
  static List<String> candidates(String where, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = CANDIDATE.matcher(text);
    while (m.find()) {
      String before = text.substring(Math.max(0, m.start() - 80), m.start());
      String after = text.substring(m.end(), Math.min(text.length(), m.end() + 40));
      String context =
          CANDIDATE.matcher(before).replaceAll("<…>")
              + "<this>"
              + CANDIDATE.matcher(after).replaceAll("<…>");
      context = context.replace(':', ';');
      found.add(where + " [" + context + "]:" + m.group());
    }
    return found;
  }

  /** The kept log lines (the last {@value #KEPT_LINES}). */
  public static List<String> lines() {
    synchronized (LINES) {
      return List.copyOf(LINES);
    }
  }

  /** Log lines and responses seen so far. */
  public static long lineCount() {
    return LINE_COUNT.get();
  }

  public static long responseCount() {
    return RESPONSE_COUNT.get();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
