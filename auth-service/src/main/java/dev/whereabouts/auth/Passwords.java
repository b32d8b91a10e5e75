package dev.whereabouts.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (Bouncy Castle's pure-Java generator), stored as PHC strings:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} with unpadded standard base64.
 *
 * <p>Argon2id rather than PBKDF2 because Lambda's Java runtimes run with {@code
 * -XX:TieredStopAtLevel=1}: 600,000 PBKDF2 iterations take about 1.5 s there, Argon2id at the OWASP
 * minimum a tenth of that. Thread-safe.
 */
public final class Passwords {
  /** The Argon2id cost: memory in KiB, iterations (passes) and parallelism (lanes). */
  public record Cost(int memoryKib, int iterations, int parallelism) {
    /** Upper bounds that keep a corrupt stored hash from costing unbounded memory or time. */
    static final int MAX_MEMORY_KIB = 1 << 20;

    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 16;

    public Cost {
      if (parallelism < 1
          || parallelism > MAX_PARALLELISM
          || iterations < 1
          || iterations > MAX_ITERATIONS
          || memoryKib < 8 * parallelism
          || memoryKib > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException(
            "Argon2 cost out of range: m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism);
      }
    }

    /** Whether any of this cost's parameters is lower than the same one of {@code other}. */
    boolean lowerThan(Cost other) {
      return memoryKib < other.memoryKib
          || iterations < other.iterations
          || parallelism < other.parallelism;
    }
  }

  /** The OWASP Password Storage Cheat Sheet minimum for Argon2id: 19 MiB, t=2, p=1. */
  public static final Cost OWASP_MINIMUM = new Cost(19456, 2, 1);

  /** Salt length of new hashes. */
  public static final int SALT_BYTES = 16;

  /** Hash (tag) length of new hashes. */
  public static final int HASH_BYTES = 32;

  private static final int MIN_SALT_BYTES = 8;
  private static final int MIN_HASH_BYTES = 16;
  private static final int MAX_SALT_OR_HASH_BYTES = 64;

  /**
   * The hash of a random password nobody knows, at {@link #OWASP_MINIMUM}, made once with {@link
   * #hash}. Not a secret: verifying against it only makes an unknown user cost what a known one
   * costs.
   */
  static final String DUMMY_HASH =
      "$argon2id$v=19$m=19456,t=2,p=1$Bf44gEPk1suwTM5RUKBSVQ"
          + "$G/1Bch79h+hC2KPSWtM93P+X0XYA/KdcDLWWhXLepq8";

  private static final Pattern PHC =
      Pattern.compile(
          "^\\$argon2id\\$v=19\\$m=([0-9]{1,8}),t=([0-9]{1,3}),p=([0-9]{1,3})"
              + "\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})$");

  private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

  private record Phc(Cost cost, byte[] salt, byte[] hash) {}

  private final Cost cost;
  private final SecureRandom random;
  private final String dummyHash;
  private final AtomicLong computations = new AtomicLong();

  /** Hashes at {@link #OWASP_MINIMUM}. */
  public Passwords() {
    this(OWASP_MINIMUM);
  }

  /** Hashes new passwords at {@code cost}; stored hashes below it need a rehash. */
  public Passwords(Cost cost) {
    this.cost = cost;
    this.random = new SecureRandom();
    this.dummyHash =
        parse(DUMMY_HASH).map(Phc::cost).filter(cost::equals).isPresent()
            ? DUMMY_HASH
            : dummyAt(cost, random);
  }

  /** The cost new hashes are made with. */
  public Cost cost() {
    return cost;
  }

  /** A new PHC string for {@code password}, with a fresh random salt. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return encode(cost, salt, compute(password, salt, cost, HASH_BYTES));
  }

  /**
   * Whether {@code password} matches the stored PHC string, compared in constant time. A string
   * that is not an Argon2id v19 PHC string matches nothing.
   */
  public boolean verify(String password, String phc) {
    Optional<Phc> stored = parse(phc);
    if (stored.isEmpty()) {
      return false;
    }
    Phc p = stored.get();
    return MessageDigest.isEqual(p.hash(), compute(password, p.salt(), p.cost(), p.hash().length));
  }

  /**
   * Whether a stored hash was made with lower parameters than the current ones (or is unreadable).
   */
  public boolean needsRehash(String phc) {
    return parse(phc).map(p -> p.cost().lowerThan(cost)).orElse(true);
  }

  /** Spends one verification on nothing, so an unknown user costs what a known one does. */
  public void burn(String password) {
    verify(password, dummyHash);
  }

  /** How many Argon2 computations this instance ran (tests count them). */
  long computations() {
    return computations.get();
  }

  private byte[] compute(String password, byte[] salt, Cost cost, int length) {
    computations.incrementAndGet();
    return argon2id(password, salt, cost, length);
  }

  static byte[] argon2id(String password, byte[] salt, Cost cost, int length) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(cost.memoryKib())
            .withIterations(cost.iterations())
            .withParallelism(cost.parallelism())
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[length];
    try {
      generator.generateBytes(secret, out);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return out;
  }

  private static String dummyAt(Cost cost, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] unknowable = new byte[SALT_BYTES];
    random.nextBytes(unknowable);
    String password = Base64.getEncoder().encodeToString(unknowable);
    return encode(cost, salt, argon2id(password, salt, cost, HASH_BYTES));
  }

  static String encode(Cost cost, byte[] salt, byte[] hash) {
    return "$argon2id$v=19$m="
        + cost.memoryKib()
        + ",t="
        + cost.iterations()
        + ",p="
        + cost.parallelism()
        + "$"
        + BASE64.encodeToString(salt)
        + "$"
        + BASE64.encodeToString(hash);
  }

  private static Optional<Phc> parse(String phc) {
    if (phc == null) {
      return Optional.empty();
    }
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Cost cost =
          new Cost(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      byte[] salt = Base64.getDecoder().decode(m.group(4));
      byte[] hash = Base64.getDecoder().decode(m.group(5));
      if (salt.length < MIN_SALT_BYTES
          || salt.length > MAX_SALT_OR_HASH_BYTES
          || hash.length < MIN_HASH_BYTES
          || hash.length > MAX_SALT_OR_HASH_BYTES) {
        return Optional.empty();
      }
      return Optional.of(new Phc(cost, salt, hash));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
