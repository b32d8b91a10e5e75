package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.gateway.Policy;
import dev.whereabouts.runner.template.CloudFormationYaml;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The wiring users rely on, read from template.yaml and held against the jars, OpenAPI and the
 * contract (docs/api.md).
 */
class TemplateWiringTest {
  private static final Path ROOT = SuiteUnderTest.repositoryRoot();
  private static Suite suite;
  private static Map<String, Object> template;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void read() throws Exception {
    suite = SuiteReader.read(ROOT.resolve("template.yaml"), Map.of(), "eu-central-1");
    template =
        (Map<String, Object>)
            new Yaml(new CloudFormationYaml())
                .load(Files.readString(ROOT.resolve("template.yaml")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> resources() {
    return map(template.get("Resources"));
  }

  /** Loads a function's handler from its jar alone, as Lambda would, and constructs it. */
  private static Object handler(Suite.Function f) throws Exception {
    if (!Files.isRegularFile(f.jar())) {
      fail(
          f.jar()
              + " is missing: run mvn -B package first (mvn -B verify builds the services before this module)");
    }
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {f.jar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    String className = f.handler().split("::")[0];
    Class<?> type = Class.forName(className, true, loader);
    Map<String, String> env = new HashMap<>(f.environment());
    env.put("AWS_REGION", "eu-central-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDWIRINGTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "wiring-test");
    Object handler = type.getConstructor(Map.class).newInstance(env);
    String method = f.handler().split("::")[1];
    assertTrue(
        List.of(type.getMethods()).stream()
            .anyMatch(
                m ->
                    m.getName().equals(method)
                        && (m.getParameterCount() == 2 || m.getParameterCount() == 3)),
        className + " has " + method + "(event, Context) or (InputStream, OutputStream, Context)");
    return handler;
  }

  @Test
  void everyHandlerIsAClassInItsOwnJarThatInitialisesAlone() throws Exception {
    assertEquals(4, suite.functions().size());
    for (Suite.Function f : suite.functions()) {
      handler(f);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void templateOpenApiAndHandlersServeTheSameRoutes() throws Exception {
    Set<String> template = new TreeSet<>();
    for (ApiRoute r : suite.routes()) {
      template.add(r.key());
    }
    Set<String> handlers = new TreeSet<>();
    for (Suite.Function f : suite.functions()) {
      Object handler = handler(f);
      try {
        Method routeKeys = handler.getClass().getMethod("routeKeys");
        handlers.addAll((Set<String>) routeKeys.invoke(handler));
      } catch (NoSuchMethodException authorizer) {
        // the authorizer serves no route
      }
    }
    Set<String> openApi = new TreeSet<>();
    Map<String, Object> paths =
        map(map(new Yaml().load(Files.readString(ROOT.resolve("openapi.yaml")))).get("paths"));
    paths.forEach(
        (path, item) ->
            map(item).keySet().stream()
                .filter(k -> Set.of("get", "put", "post", "delete", "patch").contains(k))
                .forEach(m -> openApi.add(m.toUpperCase(Locale.ROOT) + " " + path)));
    assertEquals(template, handlers, "template.yaml vs the handlers' routes");
    assertEquals(template, openApi, "template.yaml vs openapi.yaml");
  }

  @Test
  void everyRouteOfApiMdExistsWithItsAuth() throws Exception {
    Path apiMd = ROOT.resolve("docs/api.md");
    assertTrue(Files.isRegularFile(apiMd), "the contract is docs/api.md");
    Matcher row =
        Pattern.compile("^\\| `(GET|POST|PUT|DELETE) ([^`]+)` \\| ([^|]+) \\|", Pattern.MULTILINE)
            .matcher(Files.readString(apiMd));
    Map<String, String> expected = new TreeMap<>();
    while (row.find()) {
      String auth = row.group(3).trim();
      expected.put(
          row.group(1) + " " + row.group(2),
          auth.startsWith("Bearer") ? "bearer" : auth.startsWith("AWS_IAM") ? "iam" : "none");
    }
    assertEquals(10, expected.size(), "API.md's route table: " + expected);
    Map<String, String> actual = new TreeMap<>();
    for (ApiRoute r : suite.routes()) {
      actual.put(
          r.key(),
          r.auth() instanceof ApiRoute.AuthorizerAuth
              ? "bearer"
              : r.auth() instanceof ApiRoute.IamAuth ? "iam" : "none");
    }
    assertEquals(expected, actual);
  }

  @Test
  void eachFunctionMayTouchOnlyItsOwnTableWithOnlyTheActionsItUses() {
    Map<String, Set<String>> allowed =
        Map.of(
            "AuthFunction",
                Set.of(
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem"),
            "AuthorizerFunction", Set.of("dynamodb:GetItem"),
            "LocationFunction",
                Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            "ProfileFunction",
                Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"));
    for (Map.Entry<String, Set<String>> e : allowed.entrySet()) {
      Map<String, Object> props = map(map(resources().get(e.getKey())).get("Properties"));
      Object table =
          map(map(map(props.get("Environment")).get("Variables")).get("TABLE_NAME")).get("Ref");
      for (Object policy : (List<?>) props.get("Policies")) {
        for (Object s : (List<?>) map(policy).get("Statement")) {
          Map<String, Object> statement = map(s);
          assertEquals(
              Map.of("Fn::GetAtt", List.of(table, "Arn")),
              statement.get("Resource"),
              e.getKey() + " touches only " + table);
          Set<String> actions = new TreeSet<>((List<String>) (List<?>) statement.get("Action"));
          assertTrue(e.getValue().containsAll(actions), e.getKey() + " may not " + actions);
          assertFalse(actions.stream().anyMatch(a -> a.contains("*")), "no wildcard actions");
        }
      }
    }
  }

  @Test
  void onlyTheProfileFunctionMayCallTheIamOnlyRouteAndOnlyThatRoute() {
    List<String> iamRoutes =
        suite.routes().stream()
            .filter(r -> r.auth() instanceof ApiRoute.IamAuth)
            .map(ApiRoute::key)
            .toList();
    assertEquals(List.of("GET /locations/{userId}"), iamRoutes);
    assertEquals(Set.of("ProfileFunction"), suite.invokePolicies().keySet());
    Policy policy = suite.invokePolicies().get("ProfileFunction");
    String base =
        "arn:aws:execute-api:eu-central-1:"
            + Suite.ACCOUNT_ID
            + ":"
            + Suite.API_ID
            + "/"
            + suite.stage();
    assertTrue(policy.allows("execute-api:Invoke", base + "/GET/locations/michael"));
    assertFalse(policy.allows("execute-api:Invoke", base + "/PUT/locations/michael"));
    assertFalse(policy.allows("execute-api:Invoke", base + "/GET/profiles/michael"));
  }

  @Test
  void iamRoutesInvokeTheFunctionUnderItsOwnPermissionNotAsTheCaller() {
    // SAM's default InvokeRole for AWS_IAM is CALLER_CREDENTIALS: API Gateway would invoke the
    // function as the caller, and the profile role (allowed the route, not the function) would
    // get a 500 on every lookup, so every profile would read "unavailable".
    int iamRoutes = 0;
    for (Suite.Function f : suite.functions()) {
      Map<String, Object> props = map(map(resources().get(f.logicalId())).get("Properties"));
      Map<String, Object> events = map(props.getOrDefault("Events", Map.of()));
      for (Map.Entry<String, Object> e : events.entrySet()) {
        Map<String, Object> eventProps = map(map(e.getValue()).get("Properties"));
        Map<String, Object> auth = map(eventProps.getOrDefault("Auth", Map.of()));
        if ("AWS_IAM".equals(auth.get("Authorizer"))) {
          iamRoutes++;
          assertEquals("NONE", auth.get("InvokeRole"), f.logicalId() + "." + e.getKey());
        }
      }
    }
    assertEquals(1, iamRoutes);
  }

  @Test
  void timeoutsAreOrderedBudgetThenFunctionThenGateway() {
    Suite.Function profile =
        suite.functions().stream()
            .filter(f -> f.logicalId().equals("ProfileFunction"))
            .findFirst()
            .orElseThrow();
    long budget = Long.parseLong(profile.environment().get("LOCATION_BUDGET_MS"));
    assertTrue(budget <= 1000, "docs/api.md: the location budget is at most 1 s");
    assertTrue(budget < profile.timeout().toMillis(), "budget < profile timeout");
    for (Suite.Function f : suite.functions()) {
      assertTrue(
          f.timeout().toMillis() < 29_000, f.logicalId() + " times out before API Gateway's 29 s");
    }
  }

  @Test
  void everyAlarmTellsTheAlarmTopicWhenItFiresAndWhenItClears() {
    // Alarms on one published version (ExecutedVersion) only fire: each deploy points them at a
    // new version, and an OK mail per deploy would teach people to ignore the topic.
    int alarms = 0;
    for (Map.Entry<String, Object> r : resources().entrySet()) {
      Map<String, Object> resource = map(r.getValue());
      String type = String.valueOf(resource.get("Type"));
      if (type.equals("AWS::CloudWatch::Alarm") || type.equals("AWS::CloudWatch::CompositeAlarm")) {
        alarms++;
        Map<String, Object> props = map(resource.get("Properties"));
        assertFalse(
            ((List<?>) props.getOrDefault("AlarmActions", List.of())).isEmpty(),
            r.getKey() + " AlarmActions");
        if (!String.valueOf(props.get("Dimensions")).contains("ExecutedVersion")) {
          assertFalse(
              ((List<?>) props.getOrDefault("OKActions", List.of())).isEmpty(),
              r.getKey() + " OKActions");
        }
      }
    }
    assertTrue(alarms >= 20, "alarms per function, API, table and business metric: " + alarms);
  }

  @Test
  void tablesAreOnDemandEncryptedRecoverableAndRetained() {
    assertEquals(3, suite.tables().size());
    for (var table : suite.tables()) {
      Map<String, Object> resource = map(resources().get(table.logicalId()));
      assertEquals("Retain", resource.get("DeletionPolicy"));
      assertEquals("Retain", resource.get("UpdateReplacePolicy"));
      Map<String, Object> props = map(resource.get("Properties"));
      assertEquals("PAY_PER_REQUEST", props.get("BillingMode"));
      assertEquals(true, map(props.get("SSESpecification")).get("SSEEnabled"));
      assertEquals(
          true,
          map(props.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"));
    }
    assertEquals(
        "expiresAt",
        suite.tables().stream()
            .filter(t -> t.logicalId().equals("AuthTable"))
            .findFirst()
            .orElseThrow()
            .ttlAttribute()
            .orElseThrow());
  }

  @Test
  void theTemplateSetsTheAuthorizersResultTtlToZeroExplicitly() {
    // Left out, API Gateway caches an Allow for 300 s, and a revoked token would keep working.
    Map<String, Object> authorizers =
        map(map(map(map(resources().get("Api")).get("Properties")).get("Auth")).get("Authorizers"));
    assertFalse(authorizers.isEmpty());
    for (Map.Entry<String, Object> a : authorizers.entrySet()) {
      Map<String, Object> identity = map(map(a.getValue()).get("Identity"));
      assertEquals(0, identity.get("ReauthorizeEvery"), a.getKey() + " ReauthorizeEvery");
    }
  }

  @Test
  void theAuthorizerIsNeverCachedSoRevocationIsImmediate() {
    for (ApiRoute r : suite.routes()) {
      if (r.auth() instanceof ApiRoute.AuthorizerAuth a) {
        assertEquals(0, a.ttlSeconds(), r.key());
        assertEquals(List.of("Authorization"), a.identityHeaders());
      }
    }
  }
}
