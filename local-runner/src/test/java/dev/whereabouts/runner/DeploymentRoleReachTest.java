package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pipeline.yaml's roles, boundary and buckets as written: what a pushed template, a pushed
 * buildspec or a failed update can reach (the expanded templates are checked against the same role
 * by DeployRehearsalTest).
 */
class DeploymentRoleReachTest {
  private static Map<String, Object> pipeline;

  @BeforeAll
  static void read() throws Exception {
    pipeline = Rehearsal.yaml("pipeline.yaml");
  }

  private static List<Map<String, Object>> statements(String resource) {
    Map<String, Object> props = Rehearsal.props(pipeline, resource);
    List<Object> documents = new ArrayList<>();
    if (props.containsKey("PolicyDocument")) {
      documents.add(props.get("PolicyDocument"));
    }
    for (Object p : (List<?>) props.getOrDefault("Policies", List.of())) {
      documents.add(Rehearsal.map(p).get("PolicyDocument"));
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object d : documents) {
      out.addAll(DeployRehearsalTest.statements(d));
    }
    return out;
  }

  private static List<String> resources(Map<String, Object> statement) {
    Object r = statement.get("Resource");
    List<String> out = new ArrayList<>();
    for (Object x : r instanceof List<?> l ? l : List.of(r)) {
      out.add(
          x instanceof Map<?, ?> m
              ? String.valueOf(m.values().iterator().next())
              : String.valueOf(x));
    }
    return out;
  }

  @Test
  void theDeploymentRoleMayDescribeAlarmsOnStarSoTheCompositeAlarmHandlerSeesItsAlarm() {
    assertTrue(
        statements("DeploymentRole").stream()
            .anyMatch(
                s ->
                    List.of("cloudwatch:DescribeAlarms").equals(DeployRehearsalTest.actions(s))
                        && "*".equals(s.get("Resource"))
                        && !s.containsKey("Condition")),
        "DescribeAlarms returns composite alarms only when granted on \"*\"");
  }

  @Test
  void thePackagesAStackMayRollBackToNeverExpire() throws Exception {
    String spec = Files.readString(Rehearsal.ROOT.resolve("buildspec.yml"));
    Matcher bucket = Pattern.compile("--s3-bucket \"?\\$\\{?([A-Z_]+)").matcher(spec);
    assertTrue(bucket.find(), "buildspec.yml packages into a bucket named by a variable");
    Map<String, Object> build = Rehearsal.props(pipeline, "BuildProject");
    String bucketId = null;
    for (Object v : (List<?>) Rehearsal.map(build.get("Environment")).get("EnvironmentVariables")) {
      if (bucket.group(1).equals(Rehearsal.map(v).get("Name"))) {
        bucketId = String.valueOf(Rehearsal.map(Rehearsal.map(v).get("Value")).get("Ref"));
      }
    }
    assertTrue(bucketId != null, "BuildProject sets " + bucket.group(1));
    Matcher prefix = Pattern.compile("--s3-prefix \"?([A-Za-z0-9/_$-]*)").matcher(spec);
    String packages = prefix.find() ? prefix.group(1) : "";
    Map<String, Object> lifecycle =
        Rehearsal.map(
            Rehearsal.props(pipeline, bucketId).getOrDefault("LifecycleConfiguration", Map.of()));
    for (Object r : (List<?>) lifecycle.getOrDefault("Rules", List.of())) {
      Map<String, Object> rule = Rehearsal.map(r);
      boolean expires = rule.containsKey("ExpirationInDays") || rule.containsKey("ExpirationDate");
      Object filter =
          rule.getOrDefault(
              "Prefix", Rehearsal.map(rule.getOrDefault("Filter", Map.of())).get("Prefix"));
      boolean covers = filter == null || packages.startsWith(String.valueOf(filter));
      assertFalse(
          expires && covers,
          bucketId + "'s rule " + rule.get("Id") + " expires the packages a rollback needs");
    }
  }

  @Test
  void apiGatewayChangesOnlyTheStacksOwnApis() {
    int scoped = 0;
    for (Map<String, Object> s : statements("DeploymentRole")) {
      boolean apiGateway =
          DeployRehearsalTest.actions(s).stream().anyMatch(a -> a.startsWith("apigateway:"));
      if (!apiGateway || resources(s).stream().noneMatch(r -> r.contains("/restapis/"))) {
        continue;
      }
      scoped++;
      Map<String, Object> equals =
          Rehearsal.map(
              Rehearsal.map(s.getOrDefault("Condition", Map.of()))
                  .getOrDefault("StringEquals", Map.of()));
      assertEquals(
          List.of(Map.of("Ref", "StagingStackName"), Map.of("Ref", "ProductionStackName")),
          equals.get("aws:ResourceTag/aws:cloudformation:stack-name"),
          s.get("Sid") + ": another team's API is out of reach");
    }
    assertTrue(scoped > 0);
  }

  @Test
  void theBoundaryLetsRolesWriteOnlyTheStacksOwnLogGroups() {
    for (Map<String, Object> s : statements("ApplicationBoundary")) {
      List<String> actions = DeployRehearsalTest.actions(s);
      if (actions.stream().noneMatch(a -> a.startsWith("logs:"))) {
        continue;
      }
      assertTrue(
          actions.stream()
              .allMatch(
                  a ->
                      List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
                          .contains(a)),
          "no reading of logs: " + actions);
      for (String r : resources(s)) {
        assertTrue(
            r.matches(
                ".*:log-group:/aws/(lambda|apigateway)/\\$\\{(Staging|Production)StackName}/\\*"),
            "a stack's own groups, delimited by '/' (no stack name can contain one): " + r);
      }
    }
  }

  @Test
  void theDeploymentRoleLogGroupPatternsCannotReachAnotherStacksGroups() {
    for (Map<String, Object> s : statements("DeploymentRole")) {
      for (String r : resources(s)) {
        if (r.contains(":log-group:/aws/")) {
          assertTrue(
              r.matches(
                  ".*:log-group:/aws/(lambda|apigateway)/\\$\\{(Staging|Production)StackName}/\\*"),
              s.get("Sid") + ": " + r);
        }
      }
    }
  }

  @Test
  void rolesLiveUnderTheirStacksPathSoNoRolePatternReachesAnotherStacksRoles() throws Exception {
    for (String set : Rehearsal.sets()) {
      Map<String, Object> stack = Rehearsal.resolved(set);
      for (String role : StageIsolationTest.ofType(stack, "AWS::IAM::Role")) {
        assertEquals(
            "/" + stack.get("StackName") + "/",
            Rehearsal.props(stack, role).get("Path"),
            set + ": " + role + " lives under its stack's path");
      }
    }
    int patterns = 0;
    for (Map<String, Object> s : statements("DeploymentRole")) {
      for (String r : resources(s)) {
        if (r.contains(":role/") && !r.contains(":role/aws-service-role/")) {
          patterns++;
          assertTrue(
              r.matches(".*:role/\\$\\{(Staging|Production)StackName}/\\*"),
              s.get("Sid") + ": '/' ends the stack's name in " + r);
        }
      }
    }
    assertTrue(patterns > 0);
  }

  @Test
  void topicPatternsCannotReachAnotherStacksTopics() throws Exception {
    for (String set : Rehearsal.sets()) {
      Map<String, Object> stack = Rehearsal.resolved(set);
      for (String topic : StageIsolationTest.ofType(stack, "AWS::SNS::Topic")) {
        assertEquals(
            stack.get("StackName") + "_alarms",
            Rehearsal.props(stack, topic).get("TopicName"),
            set + ": " + topic + " is named <stack>_…");
      }
    }
    int patterns = 0;
    for (Map<String, Object> s : statements("DeploymentRole")) {
      for (String r : resources(s)) {
        if (r.contains(":sns:")) {
          patterns++;
          assertTrue(
              r.matches(".*:\\$\\{(Staging|Production)StackName}_\\*"),
              s.get("Sid") + ": '_' ends the stack's name in " + r);
        }
      }
    }
    assertTrue(patterns > 0);
  }

  @Test
  void trustPoliciesChangeOnlyOnRolesUnderTheBoundary() {
    int found = 0;
    for (Map<String, Object> s : statements("DeploymentRole")) {
      if (DeployRehearsalTest.actions(s).contains("iam:UpdateAssumeRolePolicy")) {
        found++;
        Map<String, Object> equals =
            Rehearsal.map(
                Rehearsal.map(s.getOrDefault("Condition", Map.of()))
                    .getOrDefault("StringEquals", Map.of()));
        assertEquals(Map.of("Ref", "ApplicationBoundary"), equals.get("iam:PermissionsBoundary"));
      }
    }
    assertEquals(1, found);
  }

  @Test
  void thePipelineUsesOnlyItsOwnConnection() {
    int found = 0;
    for (Map<String, Object> s : statements("PipelineRole")) {
      if (DeployRehearsalTest.actions(s).stream().anyMatch(a -> a.endsWith(":UseConnection"))) {
        found++;
        assertTrue(
            List.of(List.of("ConnectionArn"), List.of("${ConnectionArn}")).contains(resources(s)),
            "the one connection, not connection/*: " + resources(s));
      }
    }
    assertEquals(1, found);
  }

  @Test
  void theReleaseGateRunsWhatThePipelineStackSaysNotWhatAPushSays() throws Exception {
    Object buildSpec =
        Rehearsal.map(Rehearsal.props(pipeline, "GateProject").get("Source")).get("BuildSpec");
    assertTrue(
        String.valueOf(buildSpec).contains("version: 0.2")
            && String.valueOf(buildSpec).contains(" gate "),
        "GateProject's buildspec is inline in pipeline.yaml: " + buildSpec);
    Map<String, Object> approval =
        Rehearsal.map(Rehearsal.map(pipeline.get("Parameters")).get("RequireManualApproval"));
    String readme = Files.readString(Rehearsal.ROOT.resolve("README.md"));
    assertTrue(
        readme.contains("RequireManualApproval")
            && readme.contains("default " + approval.get("Default")),
        "README documents the approval parameter and its default");
  }

  @Test
  void theNotificationKeyAdmitsCodeStarNotificationsOnlyThroughSns() {
    Map<String, Object> policy =
        Rehearsal.map(Rehearsal.props(pipeline, "NotificationKey").get("KeyPolicy"));
    int found = 0;
    for (Map<String, Object> s : DeployRehearsalTest.statements(policy)) {
      if (String.valueOf(s.get("Principal")).contains("codestar-notifications.amazonaws.com")) {
        found++;
        Map<String, Object> equals =
            Rehearsal.map(Rehearsal.map(s.get("Condition")).get("StringEquals"));
        assertEquals(
            Map.of("Fn::Sub", "sns.${AWS::Region}.amazonaws.com"), equals.get("kms:ViaService"));
      }
    }
    assertEquals(1, found);
  }

  @Test
  void theReadmeSaysHowToRecoverAFailedFirstCreateOfThePipelineStack() throws Exception {
    String readme = Files.readString(Rehearsal.ROOT.resolve("README.md"));
    assertTrue(readme.contains("ApiGatewayAccount"), "the IAM propagation failure");
    assertTrue(readme.contains("CreateRepository=false"), "the retained repository");
  }
}
