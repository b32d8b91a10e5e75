package dev.whereabouts.bench;

/**
 * The one Argon2id hash of a registration at the contract's parameters, alone in a fresh JVM
 * (Bouncy Castle's class loading included): what registration and login pay beside everything a
 * cold start costs, reported apart so the rest can be compared with other functions.
 *
 * <p>Loaded by name: the harness does not depend on the auth module, whose jar is on the measured
 * classpath.
 *
 * <p>Usage: {@code java -cp harness:auth-service.jar dev.whereabouts.bench.Argon2Once}; prints the
 * same {@code RESULT} line as {@link ColdStart}.
 */
public final class Argon2Once {
  private Argon2Once() {}

  public static void main(String[] args) throws Exception {
    long initStart = System.nanoTime();
    Class<?> type = Class.forName("dev.whereabouts.auth.Passwords");
    Object passwords = type.getConstructor().newInstance();
    long hashStart = System.nanoTime();
    String phc =
        (String)
            type.getMethod("hash", String.class).invoke(passwords, "correct horse battery staple");
    long hashEnd = System.nanoTime();
    System.out.printf(
        "RESULT init_ms=%.1f handler_ms=%.1f runtime_ms=0.0 outcome=%s%n",
        (hashStart - initStart) / 1e6,
        (hashEnd - hashStart) / 1e6,
        phc.substring(0, phc.indexOf('$', 10)));
  }
}
