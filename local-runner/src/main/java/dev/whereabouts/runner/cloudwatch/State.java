package dev.whereabouts.runner.cloudwatch;

/** An alarm's state, as CloudWatch names it. */
public enum State {
  OK,
  ALARM,
  INSUFFICIENT_DATA
}
