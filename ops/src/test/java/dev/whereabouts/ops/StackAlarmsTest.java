package dev.whereabouts.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which alarms the release gate watches. (moto_server has no PutCompositeAlarm, so the selection is
 * checked on the alarms as DescribeAlarms returns them.)
 */
class StackAlarmsTest {
  private static StackAlarms.Alarm metric(String name, String state) {
    return new StackAlarms.Alarm(name, state, "", null, false, null);
  }

  @Test
  void theGateWatchesTheHealthCompositeAndItsAlarmsNotTheSignalsOutsidersCanDrive() {
    StackAlarms.Alarm health =
        new StackAlarms.Alarm(
            "wa-health",
            "OK",
            "",
            null,
            true,
            "ALARM(\"wa-auth-errors\") OR ALARM('wa-api-5xx') OR"
                + " ALARM(arn:aws:cloudwatch:eu-central-1:123456789012:alarm:wa-table-throttles)");
    List<StackAlarms.Alarm> all =
        List.of(
            health,
            metric("wa-auth-errors", "OK"),
            metric("wa-api-5xx", "OK"),
            metric("wa-table-throttles", "OK"),
            metric("wa-login-failed-spike", "ALARM"),
            metric("wa-profiles-degraded", "ALARM"));
    assertEquals(
        List.of("wa-health", "wa-auth-errors", "wa-api-5xx", "wa-table-throttles"),
        StackAlarms.gated("wa", all).stream().map(StackAlarms.Alarm::name).toList());
  }

  @Test
  void withoutAHealthCompositeTheGateWatchesEveryAlarm() {
    List<StackAlarms.Alarm> all = List.of(metric("wa-a", "OK"), metric("wa-b", "ALARM"));
    assertEquals(all, StackAlarms.gated("wa", all));
  }
}
