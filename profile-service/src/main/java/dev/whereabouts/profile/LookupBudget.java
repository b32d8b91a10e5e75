package dev.whereabouts.profile;

import dev.whereabouts.shared.http.Deadline;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a location lookup may take: its budget ({@code LOCATION_BUDGET_MS}), cut to what the
 * Lambda invocation has left less {@link #INVOCATION_MARGIN}, so the profile still answers.
 */
record LookupBudget(Duration budget) {
  /** How long a lookup may take unless {@code LOCATION_BUDGET_MS} says otherwise. */
  static final Duration DEFAULT_BUDGET = Duration.ofMillis(800);

  /** The contract's ceiling for the budget. */
  static final Duration MAX_BUDGET = Duration.ofMillis(1000);

  /** Time kept back from the Lambda invocation's remaining time, to still answer the client. */
  static final Duration INVOCATION_MARGIN = Duration.ofMillis(200);

  LookupBudget {
    if (budget.isNegative() || budget.isZero() || budget.compareTo(MAX_BUDGET) > 0) {
      throw new IllegalArgumentException("budget must be 1 ms to " + MAX_BUDGET.toMillis() + " ms");
    }
  }

  /**
   * The budget from {@code LOCATION_BUDGET_MS}: unset means {@link #DEFAULT_BUDGET}.
   *
   * @throws IllegalStateException naming the variable when it is not 1 to 1000, so init fails
   */
  static LookupBudget fromVariable(Optional<String> millis) {
    if (millis.isEmpty()) {
      return new LookupBudget(DEFAULT_BUDGET);
    }
    long value;
    try {
      value = Long.parseLong(millis.get());
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 1 || value > MAX_BUDGET.toMillis()) {
      throw new IllegalStateException(
          "Environment variable LOCATION_BUDGET_MS must be a whole number of milliseconds from 1 to "
              + MAX_BUDGET.toMillis()
              + " (set it in template.yaml)");
    }
    return new LookupBudget(Duration.ofMillis(value));
  }

  /**
   * The time one lookup may take within {@code deadline}: the budget, or less when the invocation
   * has less left than the budget plus the margin; empty when nothing is left.
   */
  Optional<Duration> allowedWithin(Deadline deadline) {
    Duration allowed = budget;
    Optional<Duration> left = deadline.remaining().map(d -> d.minus(INVOCATION_MARGIN));
    if (left.isPresent() && left.get().compareTo(allowed) < 0) {
      allowed = left.get();
    }
    return allowed.isNegative() || allowed.isZero() ? Optional.empty() : Optional.of(allowed);
  }
}
