package dev.whereabouts.ops;

import java.util.List;

/** Where {@code status} and {@code gate} read a stack's alarms: CloudWatch, or a local runner. */
interface AlarmSource {
  /** Every alarm of the stack, ALARM first, OK last. */
  List<StackAlarms.Alarm> alarms(String stack);
}
