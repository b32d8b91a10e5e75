package dev.whereabouts.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretScanTest {
  @Test
  void findsTokensHashesAndRememberedPasswords() {
    SecretScan.remember("correct horse battery");
    assertEquals(1, SecretScan.findings("{\"msg\":\"pw correct horse battery\"}").size());
    assertEquals(
        1, SecretScan.findings("Bearer q8Yc3pS0xk3yXG6lT0kZs9yYwq0cXn3bq1mJr7tQk2A ok").size());
    assertEquals(1, SecretScan.findings("$argon2id$v=19$m=19456,t=2,p=1$abc$def").size());
    SecretScan.forgetAll();
    assertEquals(
        1,
        SecretScan.findings("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            .size());
  }

  @Test
  void requestIdsAndOrdinaryLinesPass() {
    assertTrue(
        SecretScan.findings(
                "{\"requestId\":\"c6af9ac6-7b61-11e6-9a41-93e8deadbeef\",\"route\":\"GET /x\"}")
            .isEmpty());
  }
}
