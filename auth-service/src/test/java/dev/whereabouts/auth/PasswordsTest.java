package dev.whereabouts.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.shared.testing.SecretScan;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SecretScan.class)
class PasswordsTest {
  private static final Passwords.Cost CHEAP = new Passwords.Cost(256, 1, 1);

  /**
   * From the Argon2 reference implementation's tests (P-H-C/phc-winner-argon2, src/test.c):
   * Argon2id v19, t=2, m=2^16 KiB, p=1, password "password", salt "somesalt".
   */
  private static final String REFERENCE_PHC =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

  private static final Pattern OWASP_PHC =
      Pattern.compile(
          "^\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$");

  @Test
  void hashesWithTheOwaspMinimumInPhcFormat() {
    Passwords passwords = new Passwords();
    String password = "correct horse battery";
    SecretScan.remember(password);
    String phc = passwords.hash(password);
    assertTrue(OWASP_PHC.matcher(phc).matches(), "not an OWASP-minimum Argon2id PHC string");
    assertTrue(passwords.verify(password, phc));
    assertFalse(passwords.verify("correct horse batterY", phc));
    assertFalse(passwords.needsRehash(phc));
  }

  @Test
  void verifiesTheReferenceImplementationsArgon2idVector() {
    Passwords passwords = new Passwords(CHEAP);
    assertTrue(passwords.verify("password", REFERENCE_PHC));
    assertFalse(passwords.verify("passwore", REFERENCE_PHC));
  }

  @Test
  void writesTheReferenceVectorInTheSamePhcFormat() {
    Passwords.Cost cost = new Passwords.Cost(65536, 2, 1);
    byte[] salt = "somesalt".getBytes(StandardCharsets.US_ASCII);
    String phc = Passwords.encode(cost, salt, Passwords.argon2id("password", salt, cost, 32));
    assertEquals(REFERENCE_PHC, phc);
  }

  @Test
  void bouncyCastleMatchesTheRfc9106Argon2idTestVector() {
    // RFC 9106, section 5.3: Argon2id v19, m=32 KiB, t=3, p=4, with secret and associated data.
    byte[] password = filled(32, 0x01);
    byte[] tag = new byte[32];
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(32)
            .withIterations(3)
            .withParallelism(4)
            .withSalt(filled(16, 0x02))
            .withSecret(filled(8, 0x03))
            .withAdditional(filled(12, 0x04))
            .build());
    generator.generateBytes(password, tag);
    assertEquals(
        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
        HexFormat.of().formatHex(tag));
  }

  @Test
  void twoHashesOfOnePasswordDifferByTheirSalt() {
    Passwords passwords = new Passwords(CHEAP);
    SecretScan.remember("same password twice");
    String first = passwords.hash("same password twice");
    String second = passwords.hash("same password twice");
    assertNotEquals(first, second);
    assertTrue(passwords.verify("same password twice", first));
    assertTrue(passwords.verify("same password twice", second));
  }

  @Test
  void passwordsAreHashedAsUtf8CodePoints() {
    Passwords passwords = new Passwords(CHEAP);
    SecretScan.remember("pässwörd-ünïcode-😀");
    String phc = passwords.hash("pässwörd-ünïcode-😀");
    assertTrue(passwords.verify("pässwörd-ünïcode-😀", phc));
    assertFalse(passwords.verify("passwörd-ünïcode-😀", phc));
  }

  @Test
  void aHashWithAnyLowerParameterNeedsARehash() {
    Passwords passwords = new Passwords(new Passwords.Cost(19456, 2, 2));
    byte[] salt = new byte[16];
    byte[] hash = new byte[32];
    assertFalse(
        passwords.needsRehash(Passwords.encode(new Passwords.Cost(19456, 2, 2), salt, hash)));
    assertFalse(
        passwords.needsRehash(Passwords.encode(new Passwords.Cost(65536, 3, 4), salt, hash)));
    assertTrue(
        passwords.needsRehash(Passwords.encode(new Passwords.Cost(19455, 2, 2), salt, hash)));
    assertTrue(
        passwords.needsRehash(Passwords.encode(new Passwords.Cost(19456, 1, 2), salt, hash)));
    assertTrue(
        passwords.needsRehash(Passwords.encode(new Passwords.Cost(65536, 4, 1), salt, hash)));
    assertTrue(passwords.needsRehash("not a hash"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "password",
        "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=65536,t=2,p=1c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQCTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=65536,t=2,p=1$$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc=",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhF",
        "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=4,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$t=2,m=65536,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$x",
        "$argon2id$v=19$m=65536,t=2,p=1$c2!tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
      })
  void aMalformedStoredHashMatchesNothingAndNeedsARehash(String phc) {
    Passwords passwords = new Passwords(CHEAP);
    assertFalse(passwords.verify("password", phc));
    assertTrue(passwords.needsRehash(phc));
  }

  @Test
  void burningCostsOneVerificationAtTheCurrentCost() {
    Passwords passwords = new Passwords(CHEAP);
    long before = passwords.computations();
    passwords.burn("whatever-they-typed");
    assertEquals(before + 1, passwords.computations());
  }

  @Test
  void theDummyHashIsAnArgon2idHashAtTheOwaspMinimum() {
    Passwords passwords = new Passwords();
    assertTrue(OWASP_PHC.matcher(Passwords.DUMMY_HASH).matches());
    assertFalse(passwords.needsRehash(Passwords.DUMMY_HASH));
    assertFalse(passwords.verify("password", Passwords.DUMMY_HASH));
  }

  @Test
  void costsOutsideArgon2sLimitsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Passwords.Cost(7, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Passwords.Cost(64, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Passwords.Cost(64, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Passwords.Cost(64, 1, 16 + 1));
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
