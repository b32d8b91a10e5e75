package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final String ARN =
      "arn:aws:execute-api:eu-central-1:123456789012:api/prod/GET/locations/a";

  @Test
  void wildcardsMatchAsInIam() {
    Policy p =
        Policy.from(
            Map.of(
                "Version",
                "2012-10-17",
                "Statement",
                List.of(
                    Map.of(
                        "Effect", "Allow",
                        "Action", "execute-api:Invoke",
                        "Resource",
                            "arn:aws:execute-api:eu-central-1:123456789012:api/prod/*/*"))));
    assertTrue(p.allows("execute-api:Invoke", ARN));
    assertFalse(p.allows("execute-api:Invoke", ARN.replace("/prod/", "/dev/")));
    assertFalse(p.allows("execute-api:ManageConnections", ARN));
  }

  @Test
  void anExplicitDenyWins() {
    Policy p =
        Policy.from(
            Map.of(
                "Statement",
                List.of(
                    Map.of("Effect", "Allow", "Action", "*", "Resource", "*"),
                    Map.of(
                        "Effect",
                        "Deny",
                        "Action",
                        List.of("execute-api:Invoke"),
                        "Resource",
                        ARN))));
    assertFalse(p.allows("execute-api:Invoke", ARN));
  }

  @Test
  void aPolicyWithoutStatementsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Policy.from(Map.of("Statement", List.of())));
  }
}
