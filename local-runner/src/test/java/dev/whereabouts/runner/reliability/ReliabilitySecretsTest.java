package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.ops.Ops;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.cli.Subcommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No password, token, token hash or password hash in anything the suite said: every log line of the
 * runner and the functions and every response, over the contract table, the authorization cells and
 * a batch of hostile input run here, plus whatever the other suites of this JVM ran before (the
 * transcript spans the whole run), and what the operator's commands print about that run: the
 * runner's {@code logs} (formatted and JSON) and {@code fault --list}, and the ops CLI's {@code
 * status}, {@code metrics} and {@code gate} against the runner.
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
    // The operator's view of the same run: the runner's log (logs), its faults (fault --list) and
    // the ops CLI's status, metrics and gate against the runner.
    LocalRunner runner = World.local("runs the operator's commands against the runner");
    String url = runner.baseUrl();
    String port = Integer.toString(URI.create(url).getPort());
    String logs = command("logs", (out, err) -> Subcommands.logs(out, err, "--port", port));
    assertTrue(logs.lines().count() > 100, "logs printed the run's log: " + logs.lines().count());
    command("logs --json", (out, err) -> Subcommands.logs(out, err, "--port", port, "--json"));
    command("fault --list", (out, err) -> Subcommands.fault(out, err, "--url", url, "--list"));
    for (String[] ops :
        List.of(
            new String[] {"status", "--local", url},
            new String[] {"metrics", "--local", url},
            new String[] {"gate", "--local", url, "--wait", "2s", "--interval", "1s"})) {
      String printed = command("ops " + ops[0], (out, err) -> new Ops(out, err).run(ops));
      assertTrue(!printed.isBlank(), "ops " + ops[0] + " printed nothing");
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

  private interface Command {
    int run(PrintStream out, PrintStream err);
  }

  /** Runs a command, keeps what it printed (both streams) in the transcript, returns it. */
  private static String command(String name, Command command) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(printed, true, StandardCharsets.UTF_8);
    command.run(both, both);
    String text = printed.toString(StandardCharsets.UTF_8);
    Transcript.output(name, text);
    return text;
  }
}
