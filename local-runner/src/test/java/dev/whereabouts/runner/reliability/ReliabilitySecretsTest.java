package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No password, token, token hash or password hash in anything the suite said: every log line of the
 * runner and the functions and every response, over the contract table, the authorization cells and
 * a batch of hostile input run here, plus whatever the other suites of this JVM ran before (the
 * transcript spans the whole run).
 */
class ReliabilitySecretsTest {
  @Test
  void theScannerFindsWhatItLooksFor() {
    String token = "A".repeat(20) + "b".repeat(23);
    Set<String> secrets = new HashSet<>(Transcript.forms(token));
    secrets.add("Pw-00112233445566778899");
    String hashed = Transcript.forms(token).get(1);
    String text =
        "{\"tokenHash\":\""
            + hashed
            + "\"} password=Pw-00112233445566778899 $argon2id$v=19$m=19456 "
            + Transcript.forms(token).get(2)
            + " userId=abcdefghijabcdefghijabcdefghijabcdefghijabc";
    List<String> found = Transcript.judge(Transcript.candidates("log", text), secrets);
    assertEquals(4, found.size(), found.toString());
  }

  @Test
  void aTokenInTheQueryOfARefusedRequestIsNotLogged() {
    World.local("reads the runner's log lines");
    String token = World.login(World.register("sec-query"));
    Raw.socket("GET", "/profiles/abc?access_token=" + token + "&x=%ZZ", List.of(), new byte[0]);
    for (String line : Transcript.lines()) {
      assertTrue(
          !line.contains(token), "a log line holds the token: the front door logged the query");
    }
  }

  @Test
  void noSecretInAnyLogLineOrResponseOfTheRun() throws Exception {
    World.local("captures the functions' and the gateway's log lines");
    for (ContractCases.Case c : ContractCases.table()) {
      try {
        c.request().get();
      } catch (RuntimeException | AssertionError e) {
        // The contract suite judges the answers; here only what was said matters.
      }
    }
    World.User owner = World.register("sec-owner");
    World.User other = World.register("sec-other");
    Fuzzer fuzzer =
        new Fuzzer(
            Size.current().seed() + 1,
            owner.id(),
            other.id(),
            World.login(owner),
            World.login(other));
    for (int i = 0; i < 300; i++) {
      Fuzzer.Input input = fuzzer.input(i);
      try {
        Transcript.response(
            Raw.socket(input.method(), input.target(), input.headers(), input.body()));
      } catch (RuntimeException e) {
        // A dropped connection says nothing; the fuzz suite reports it.
      }
    }
    assertTrue(Transcript.lineCount() > 100, "the transcript holds the run's log lines");
    assertTrue(Transcript.responseCount() > 100, "the transcript holds the run's responses");
    List<String> leaks = Transcript.leaks();
    System.out.println(
        "reliability secrets: "
            + Transcript.lineCount()
            + " log lines and "
            + Transcript.responseCount()
            + " responses scanned, "
            + leaks.size()
            + " secrets found");
    assertEquals(List.of(), leaks);
  }
}
