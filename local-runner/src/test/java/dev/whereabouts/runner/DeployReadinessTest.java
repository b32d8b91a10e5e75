package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.template.CloudFormationYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What a real deploy needs from template.yaml, pipeline.yaml and the buildspecs, read as written
 * (DeployRehearsalTest checks the same template after the SAM transform).
 */
class DeployReadinessTest {
  private static final Path ROOT = SuiteUnderTest.repositoryRoot();
  private static Map<String, Object> template;
  private static Map<String, Object> pipeline;

  @BeforeAll
  static void read() throws Exception {
    template = yaml("template.yaml");
    pipeline = yaml("pipeline.yaml");
  }

  private static Map<String, Object> yaml(String file) throws Exception {
    return DeployRehearsalTest.map(
        new Yaml(new CloudFormationYaml()).load(Files.readString(ROOT.resolve(file))));
  }

  private static Map<String, Object> map(Object o) {
    return DeployRehearsalTest.map(o);
  }

  private static Map<String, Object> resource(Map<String, Object> t, String id) {
    return map(map(t.get("Resources")).get(id));
  }

  private static Map<String, Object> props(Map<String, Object> t, String id) {
    return map(resource(t, id).get("Properties"));
  }

  @Test
  void theReleaseGatesHealthAlarmNamesFunctionApiAndTableAlarmsOnly() {
    Map<String, Object> health = props(template, "HealthAlarm");
    assertEquals(Map.of("Fn::Sub", "${AWS::StackName}-health"), health.get("AlarmName"));
    Matcher named =
        Pattern.compile("ALARM\\(\\\\?\"\\$\\{([A-Za-z0-9]+)}")
            .matcher((String) map(health.get("AlarmRule")).get("Fn::Sub"));
    Set<String> inRule = new TreeSet<>();
    while (named.find()) {
      inRule.add(named.group(1));
    }
    Set<String> healthAlarms = new TreeSet<>();
    Set<String> signals = new TreeSet<>();
    map(template.get("Resources"))
        .forEach(
            (id, r) -> {
              if (!"AWS::CloudWatch::Alarm".equals(DeployRehearsalTest.type(r))) {
                return;
              }
              String namespaces = String.valueOf(map(map(r).get("Properties")));
              if (namespaces.contains("ExecutedVersion")) {
                return; // a canary's alarm on one version, for CodeDeploy
              }
              if (namespaces.contains("Namespace=Whereabouts")) {
                signals.add(id);
              } else if (namespaces.matches(
                  "(?s).*Namespace=AWS/(Lambda|ApiGateway|DynamoDB)\\b.*")) {
                healthAlarms.add(id);
              }
              // Every alarm still pages, signals included.
              assertFalse(
                  ((List<?>) map(map(r).get("Properties")).get("AlarmActions")).isEmpty(), id);
            });
    assertFalse(signals.isEmpty());
    for (String s : signals) {
      assertFalse(inRule.contains(s), s + " can be driven by anonymous traffic: not in the gate");
    }
    assertEquals(healthAlarms, inRule, "the health rule names every function, API and table alarm");
  }

  @Test
  void everyConfigurationChangePublishesAVersionAndReplacedVersionsAreDeleted() {
    Map<String, Object> function = map(map(template.get("Globals")).get("Function"));
    assertEquals(true, function.get("AutoPublishAliasAllProperties"));
    assertEquals("Delete", function.get("VersionDeletionPolicy"));
  }

  @Test
  void theBuildIsReproducible() throws Exception {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher m =
        Pattern.compile("<project.build.outputTimestamp>([^<]+)</project.build.outputTimestamp>")
            .matcher(pom);
    assertTrue(m.find(), "pom.xml sets project.build.outputTimestamp");
    assertFalse(m.group(1).contains("${"), "a fixed timestamp, not the build time");
    Instant fixed = Instant.parse(m.group(1));
    int checked = 0;
    for (String module : List.of("auth-service", "location-service", "profile-service")) {
      Path jar = ROOT.resolve(module + "/target/" + module + ".jar");
      if (!Files.isRegularFile(jar)) {
        continue; // built by mvn verify before this module; a targeted run may not have it
      }
      checked++;
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        // The project's own classes get the fixed time instead of the build's; shaded
        // dependencies keep their release times. (Zip stores local date-times: a day's margin
        // covers any zone.)
        List<String> stamped =
            zip.stream()
                .filter(e -> e.getName().startsWith("dev/whereabouts/"))
                .filter(
                    e ->
                        Duration.between(fixed, e.getLastModifiedTime().toInstant())
                                .abs()
                                .compareTo(Duration.ofDays(1))
                            > 0)
                .map(e -> e.getName() + " " + e.getLastModifiedTime())
                .limit(5)
                .toList();
        assertEquals(List.of(), stamped, jar + ": entries stamped with the build's time");
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertEquals(3, checked, "mvn verify built the function jars before this module");
    }
  }

  @Test
  void apiGatewaysLoggingRoleIsKeptAndTheAccountSettingIsLeftAloneByDefault() {
    assertEquals(
        "false",
        map(map(template.get("Parameters")).get("ConfigureApiGatewayLogging")).get("Default"));
    for (Map<String, Object> t : List.of(template, pipeline)) {
      Map<String, Object> role = resource(t, "ApiGatewayLoggingRole");
      assertEquals("Retain", role.get("DeletionPolicy"));
      assertEquals("Retain", role.get("UpdateReplacePolicy"));
    }
  }

  @Test
  void theThrottlingParametersSayEachMethodHasItsOwnBucket() {
    Map<String, Object> parameters = map(template.get("Parameters"));
    assertTrue(
        String.valueOf(map(parameters.get("StageRateLimit")).get("Description"))
            .contains("EACH method"));
  }

  @Test
  void requestModelsUseNoTypeListsWhichApiGatewaysImportDrops() {
    String models = String.valueOf(props(template, "Api").get("Models"));
    assertFalse(models.contains("type=["), "a type list in a model: " + models);
  }

  @Test
  void productionGetsPerIpRateLimitsOnAuthAndTheAuthorizerReservedConcurrency() throws Exception {
    Map<String, Object> acl = resource(template, "WebAcl");
    assertEquals("UseWaf", acl.get("Condition"));
    List<?> rules = (List<?>) map(acl.get("Properties")).get("Rules");
    // Two per-IP rules on /auth; the public read's rules are EdgeCacheTest's and WafRuleTest's.
    int auth = 0;
    for (Object rule : rules) {
      Object statement = map(rule).get("Statement");
      if (statement == null || !String.valueOf(statement).contains("/auth")) {
        continue;
      }
      Map<String, Object> rate = map(map(statement).get("RateBasedStatement"));
      assertEquals("IP", rate.get("AggregateKeyType"));
      auth++;
    }
    assertEquals(2, auth);
    assertEquals("UseWaf", resource(template, "WebAclAssociation").get("Condition"));
    String overrides = Files.readString(ROOT.resolve("pipeline.yaml"));
    assertTrue(
        overrides.contains("\"Stage\": \"prod\"") && overrides.contains("\"EnableWaf\": \"true\""));
    assertEquals(
        Map.of(
            "Fn::If",
            List.of(
                "ReserveAuthorizer",
                Map.of("Ref", "AuthorizerReservedConcurrency"),
                Map.of("Ref", "AWS::NoValue"))),
        props(template, "AuthorizerFunction").get("ReservedConcurrentExecutions"));
    // The pipeline decides the reservation for both stages (StageIsolationTest adds them up).
    assertTrue(
        overrides.contains(
            "\"AuthorizerReservedConcurrency\": \"${AuthorizerReservedConcurrency}\""));
  }

  @Test
  void theArtifactBucketIsKeptSinceAVersionedBucketWithObjectsCannotBeDeleted() {
    assertEquals("Retain", resource(pipeline, "ArtifactBucket").get("DeletionPolicy"));
  }

  @Test
  void default4xxKeepsTheStatusApiGatewayChose() {
    Map<String, Object> responses =
        map(map(props(template, "Api").get("GatewayResponses")).get("DEFAULT_4XX"));
    assertNull(responses.get("StatusCode"));
    assertFalse(String.valueOf(responses.get("ResponseTemplates")).contains("\"status\""));
  }

  @Test
  void theStageBuysNoPerMethodMetricsNobodyReads() {
    for (Object setting : (List<?>) props(template, "Api").get("MethodSettings")) {
      assertFalse(Boolean.TRUE.equals(map(setting).get("MetricsEnabled")), "billed: " + setting);
    }
  }

  @Test
  void snapStartCanBeTurnedOffWhereLambdaDoesNotOfferIt() {
    Map<String, Object> snapStart =
        map(map(map(template.get("Globals")).get("Function")).get("SnapStart"));
    assertEquals(
        Map.of("Fn::If", List.of("UseSnapStart", "PublishedVersions", "None")),
        snapStart.get("ApplyOn"));
  }

  @Test
  void canaryDeploymentsWatchAlarmsOnTheNewVersion() {
    for (String f :
        List.of("AuthFunction", "AuthorizerFunction", "LocationFunction", "ProfileFunction")) {
      List<?> alarms = (List<?>) map(props(template, f).get("DeploymentPreference")).get("Alarms");
      for (Object a : alarms) {
        String alarm = (String) map(a).get("Ref");
        String dimensions = String.valueOf(props(template, alarm).get("Dimensions"));
        // The API's 5XX is the one signal not per version (AlarmPlumbingTest).
        boolean api5xx = "5XXError".equals(props(template, alarm).get("MetricName"));
        assertTrue(
            dimensions.contains("ExecutedVersion") || api5xx,
            f + "'s canary alarm " + alarm + ": " + dimensions);
      }
    }
  }

  @Test
  void ciAndTheBuildspecInstallThePinnedPythonTools() throws Exception {
    List<String> lines =
        Files.readAllLines(ROOT.resolve("deploy/python-tools.txt")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    for (String l : lines) {
      assertTrue(l.matches("[a-z0-9-]+(\\[[a-z]+])?==[0-9][0-9.]*"), "pinned: " + l);
    }
    for (String file : List.of("buildspec.yml", ".ci/run")) {
      String text = Files.readString(ROOT.resolve(file));
      assertTrue(text.contains("-r deploy/python-tools.txt"), file + " installs the pinned tools");
      assertFalse(
          Pattern.compile("pip3? install(?! -r)[^\\n]*")
              .matcher(text)
              .results()
              .anyMatch(r -> !r.group().contains("-r deploy/python-tools.txt")),
          file + " installs nothing unpinned");
    }
  }
}
