package dev.whereabouts.runner.reliability;

import java.time.Duration;

/**
 * How big the reliability suites run: CI size by default, full size with {@code
 * -Dreliability.size=full}; each figure can also be set on its own (see docs/reliability.md).
 */
record Size(
    String name,
    int fuzzInputs,
    int fuzzClients,
    int agreementInputs,
    Duration load,
    int loadClients,
    long seed,
    int faultRounds) {
  static Size current() {
    boolean full = System.getProperty("reliability.size", "ci").equalsIgnoreCase("full");
    return new Size(
        full ? "full" : "ci",
        Integer.getInteger("reliability.fuzz.inputs", full ? 100_000 : 3_000),
        Integer.getInteger("reliability.fuzz.clients", full ? 4 : 1),
        Integer.getInteger("reliability.agreement.inputs", full ? 20_000 : 1_000),
        Duration.ofSeconds(Long.getLong("reliability.load.seconds", full ? 600 : 30)),
        Integer.getInteger("reliability.load.clients", full ? 32 : 6),
        Long.getLong("reliability.seed", 14L),
        Integer.getInteger("reliability.fault.rounds", full ? 3 : 1));
  }
}
