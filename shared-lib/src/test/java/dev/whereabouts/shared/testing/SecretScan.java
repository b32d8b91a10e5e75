package dev.whereabouts.shared.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Proves that nothing a test made the code log holds a secret: every byte written to standard
 * output and error during a test is kept and scanned afterwards for
 *
 * <ul>
 *   <li>every string the test {@linkplain #remember remembered} (passwords it sent, tokens it got);
 *   <li>anything shaped like a token or token hash (43 base64url characters), or a hex SHA-256;
 *   <li>any PHC password hash ({@code $argon2}).
 * </ul>
 *
 * <p>Use with {@code @ExtendWith(SecretScan.class)}.
 */
public final class SecretScan implements BeforeEachCallback, AfterEachCallback {
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static final Pattern TOKEN_SHAPED =
      Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");
  private static final Pattern HEX_SHA256 =
      Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");

  private PrintStream originalOut;
  private PrintStream originalErr;
  private ByteArrayOutputStream captured;

  /** Marks a value the code under test must never log. */
  public static void remember(String secret) {
    if (secret != null && secret.length() >= 6) {
      SECRETS.add(secret);
    }
  }

  /** Forgets every remembered secret (for the scanner's own test). */
  static void forgetAll() {
    SECRETS.clear();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    captured = new ByteArrayOutputStream();
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(tee(originalOut, captured));
    System.setErr(tee(originalErr, captured));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.out.flush();
    System.err.flush();
    System.setOut(originalOut);
    System.setErr(originalErr);
    String output = captured.toString(StandardCharsets.UTF_8);
    List<String> findings = findings(output);
    SECRETS.clear();
    if (!findings.isEmpty()) {
      fail("The test's output holds secrets: " + findings);
    }
  }

  /** What in {@code output} looks like a secret (exposed for the scanner's own test). */
  public static List<String> findings(String output) {
    List<String> found = new ArrayList<>();
    for (String secret : SECRETS) {
      if (output.contains(secret)) {
        found.add("a remembered secret of " + secret.length() + " characters");
      }
    }
    Matcher token = TOKEN_SHAPED.matcher(output);
    if (token.find()) {
      found.add("a token-shaped string at offset " + token.start());
    }
    if (HEX_SHA256.matcher(output).find()) {
      found.add("a hex SHA-256");
    }
    if (output.contains("$argon2")) {
      found.add("a PHC password hash");
    }
    return found;
  }

  private static PrintStream tee(PrintStream original, ByteArrayOutputStream copy) {
    return new PrintStream(
        new OutputStream() {
          @Override
          public synchronized void write(int b) {
            original.write(b);
            copy.write(b);
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            copy.write(b, off, len);
          }

          @Override
          public void flush() {
            original.flush();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }
}
