package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.template.CloudFormationYaml;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deploy rehearsal: template.yaml as CloudFormation processes it, for each parameter set the
 * pipeline deploys, held against CloudFormation's limits, the deployment role and the services that
 * must publish, sign or call. deploy/rehearse.py expands the template with the AWS SAM translator
 * (the library of CloudFormation's own transform); without Python and the pinned tools the tests
 * are skipped with an install hint, and under {@code CI=true} they fail.
 */
class DeployRehearsalTest {
  static final String INSTALL = "python3 -m pip install -r deploy/python-tools.txt";
  private static final Path ROOT = SuiteUnderTest.repositoryRoot();
  private static final Path OUT = ROOT.resolve("local-runner/target/rehearsal");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** CloudFormation's limits: a template body passed inline, and any template through S3. */
  static final int INLINE_LIMIT = 51_200;

  static final int S3_LIMIT = 1_000_000;

  /** Parameter set name (staging, production) → the expanded template and its parameters. */
  private static final Map<String, Map<String, Object>> expanded = new LinkedHashMap<>();

  private static final Map<String, Map<String, Object>> parameters = new LinkedHashMap<>();
  private static Map<String, Object> pipeline;
  private static Map<String, Object> template;
  private static Map<String, Object> exceptions;

  @BeforeAll
  static void rehearse() throws Exception {
    String python = find("python3");
    String missing = python == null ? "python3" : null;
    if (python != null) {
      Process check =
          new ProcessBuilder(python, "-c", "import samtranslator, yaml")
              .redirectErrorStream(true)
              .start();
      if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
        missing = "aws-sam-translator (Python)";
      }
    }
    if (missing != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(missing + " is not installed: " + INSTALL);
      }
      assumeTrue(false, missing + " is not installed, so the deploy was not rehearsed: " + INSTALL);
    }
    String output = run(List.of(python, "deploy/rehearse.py", ".", OUT.toString()), 180);
    assertTrue(Files.isRegularFile(OUT.resolve("sizes.json")), "rehearse.py:\n" + output);
    for (String set : List.of("staging", "production")) {
      expanded.put(set, readJson(OUT.resolve(set + ".expanded.json")));
      parameters.put(set, readJson(OUT.resolve(set + ".parameters.json")));
    }
    pipeline = yaml("pipeline.yaml");
    template = yaml("template.yaml");
    exceptions = readJson(ROOT.resolve("deploy/deployment-role-exceptions.json"));
  }

  // ------------------------------------------------------------------ stages and permissions

  @Test
  void exactlyOneStageExistsTheOneTheStageParameterNames() {
    forEachSet(
        (set, t) -> {
          List<String> stages = ofType(t, "AWS::ApiGateway::Stage");
          assertEquals(1, stages.size(), set + ": stages " + stages);
          assertEquals(
              Map.of("Ref", "Stage"),
              props(t, stages.get(0)).get("StageName"),
              set + ": the stage is named by the Stage parameter");
          for (String d : ofType(t, "AWS::ApiGateway::Deployment")) {
            // A deployment's StageName makes API Gateway create that stage as well ("Stage").
            assertFalse(props(t, d).containsKey("StageName"), set + ": " + d + " names a stage");
          }
        });
  }

  @Test
  void everyLambdaPermissionNamesThisApiAndOneOfTheFunctionsRoutes() {
    forEachSet(
        (set, t) -> {
          List<String> permissions = ofType(t, "AWS::Lambda::Permission");
          assertFalse(permissions.isEmpty());
          String stage = String.valueOf(parameters.get(set).get("Stage"));
          Set<String> routes = routesOf(t);
          for (String p : permissions) {
            Map<String, Object> props = props(t, p);
            assertEquals("apigateway.amazonaws.com", props.get("Principal"), p);
            List<?> sub = (List<?>) map(props.get("SourceArn")).get("Fn::Sub");
            String arn = (String) sub.get(0);
            Map<String, Object> vars = map(sub.get(1));
            assertEquals(Map.of("Ref", "Api"), vars.get("__ApiId__"), p + " names this API");
            assertTrue(
                arn.startsWith(
                    "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/"),
                p + ": " + arn);
            String rest = arn.substring(arn.indexOf("${__ApiId__}/") + "${__ApiId__}/".length());
            if (rest.equals("authorizers/*")) {
              continue;
            }
            Object stageVar = vars.get("__Stage__");
            // SAM grants the route on every stage ("*") so the console's test calls work; with
            // exactly one stage that is the stage the API serves.
            assertTrue("*".equals(stageVar) || stage.equals(stageVar), p + " stage " + stageVar);
            String route = rest.substring(rest.indexOf('/') + 1);
            String method = route.substring(0, route.indexOf('/'));
            String path = route.substring(route.indexOf('/'));
            assertTrue(routes.contains(method + " " + path), p + ": no route " + route);
          }
        });
  }

  @Test
  void onlyTheProfileRoleMayCallThePrivateRouteWhateverOtherPrincipalsIdentityPoliciesAllow() {
    forEachSet(
        (set, t) -> {
          String stage = String.valueOf(parameters.get(set).get("Stage"));
          Object policy = map(props(t, "Api").get("Body")).get("x-amazon-apigateway-policy");
          assertNotNull(policy, set + ": the API has a resource policy");
          List<Map<String, Object>> statements = statements(policy);
          // Everything else stays open to the public and bearer routes (their own auth decides).
          assertTrue(
              statements.stream()
                  .anyMatch(
                      s ->
                          "Allow".equals(s.get("Effect"))
                              && "*".equals(s.get("Principal"))
                              && "execute-api:/*".equals(s.get("Resource"))),
              set + ": " + statements);
          Map<String, Object> deny =
              statements.stream()
                  .filter(s -> "Deny".equals(s.get("Effect")))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError(set + ": no Deny in " + statements));
          assertEquals(
              Map.of("Fn::Sub", "execute-api:/" + stage + "/GET/locations/*"),
              deny.get("Resource"),
              set);
          assertEquals(
              Map.of(
                  "StringNotEquals",
                  Map.of(
                      "aws:PrincipalArn",
                      Map.of("Fn::GetAtt", List.of("ProfileFunctionRole", "Arn")))),
              deny.get("Condition"),
              set + ": denied to every principal but the profile function's role");
        });
  }

  /** "METHOD /path" with path parameters as "*", as Lambda permissions name them. */
  private static Set<String> routesOf(Map<String, Object> t) {
    Map<String, Object> body = map(props(t, "Api").get("Body"));
    Set<String> routes = new TreeSet<>();
    map(body.get("paths"))
        .forEach(
            (path, item) ->
                map(item).keySet().stream()
                    .filter(m -> !m.startsWith("x-") && !m.equals("options"))
                    .forEach(
                        m ->
                            routes.add(
                                m.toUpperCase(Locale.ROOT)
                                    + " "
                                    + path.replaceAll("\\{[^}]+}", "*"))));
    return routes;
  }

  // ------------------------------------------------------------------ limits

  @Test
  void packagedAndProcessedTemplatesFitCloudFormationsLimits() throws Exception {
    Map<String, Object> sizes = readJson(OUT.resolve("sizes.json"));
    int packaged = ((Number) sizes.get("packaged")).intValue();
    assertTrue(packaged < S3_LIMIT, "packaged template " + packaged + " bytes");
    for (String set : expanded.keySet()) {
      int processed = ((Number) sizes.get(set)).intValue();
      assertTrue(processed < S3_LIMIT, set + ": processed template " + processed + " bytes");
    }
    if (packaged > INLINE_LIMIT) {
      // aws cloudformation deploy sends a template inline unless given --s3-bucket.
      String readme = Files.readString(ROOT.resolve("README.md")).replace("\\\n", " ");
      Matcher deploy = Pattern.compile("aws cloudformation deploy[^\\n]*").matcher(readme);
      int commands = 0;
      while (deploy.find()) {
        if (deploy.group().contains("packaged.yaml")) {
          commands++;
          assertTrue(
              deploy.group().contains("--s3-bucket"),
              "packaged.yaml is "
                  + packaged
                  + " bytes, over the inline limit: the README's deploy needs --s3-bucket:\n"
                  + deploy.group());
        }
      }
      assertTrue(commands > 0, "the README deploys packaged.yaml with the AWS CLI");
    }
  }

  // ------------------------------------------------------------------ the deployment role

  @Test
  void theDeploymentRoleGrantsEveryHandlerPermissionOfEveryResourceType() throws Exception {
    Map<String, Object> data = readJson(ROOT.resolve("deploy/handler-permissions.json"));
    assertNotNull(data.get("source"));
    assertNotNull(data.get("retrieved"));
    Map<String, Object> types = map(data.get("types"));
    Set<String> notGranted = map(exceptions.get("notGranted")).keySet();
    List<Map<String, Object>> grants = allowStatements(deploymentRolePolicies());
    Map<String, Set<String>> missing = new TreeMap<>();
    Set<String> present = new TreeSet<>();
    // Every type of the expanded templates, except the edge's (EnableEdge) where a pipeline stack
    // does not create it: the deployment role has no CloudFront permissions yet, and a parameter
    // set that turns the edge on makes its types count here.
    for (String set : expanded.keySet()) {
      Set<String> created = map(Rehearsal.resolved(set).get("Resources")).keySet();
      map(expanded.get(set).get("Resources"))
          .forEach(
              (id, r) -> {
                boolean edge = "UseEdge".equals(map(r).get("Condition"));
                if (!edge || created.contains(id)) {
                  present.add(type(r));
                }
              });
    }
    // CloudFormation's own resource, handled by no registry provider.
    present.remove("AWS::CloudFormation::WaitConditionHandle");
    for (String type : present) {
      assertTrue(
          types.containsKey(type),
          type
              + " is not in deploy/handler-permissions.json: regenerate it with"
              + " deploy/handler_permissions.py");
      for (Object actions : map(types.get(type)).values()) {
        for (Object a : (List<?>) actions) {
          String action = (String) a;
          boolean granted =
              grants.stream().anyMatch(s -> actions(s).stream().anyMatch(p -> glob(p, action)));
          boolean excused = notGranted.stream().anyMatch(p -> glob(p, action));
          if (!granted && !excused) {
            missing.computeIfAbsent(type, k -> new TreeSet<>()).add(action);
          }
        }
      }
    }
    assertEquals(Map.of(), missing, "handler permissions the deployment role lacks");
  }

  @Test
  void stackNamesAreShortEnoughForTheDeploymentRolesNamePatterns() {
    int longest = 0;
    String longestId = "";
    for (Map<String, Object> t : expanded.values()) {
      for (String id : map(t.get("Resources")).keySet()) {
        String type = type(map(t.get("Resources")).get(id));
        if ((type.equals("AWS::IAM::Role") || type.equals("AWS::Lambda::Function"))
            && id.length() > longest) {
          longest = id.length();
          longestId = id;
        }
      }
    }
    for (String p : List.of("StagingStackName", "ProductionStackName")) {
      String pattern = (String) map(map(pipeline.get("Parameters")).get(p)).get("AllowedPattern");
      Matcher m = Pattern.compile("^\\^\\[[^]]+]\\[[^]]+]\\{0,(\\d+)}\\$$").matcher(pattern);
      assertTrue(m.matches(), p + " is bounded: " + pattern);
      int max = 1 + Integer.parseInt(m.group(1));
      // CloudFormation names a role or function <stack>-<logical id>-<13 random characters>
      // and shortens names over 64 characters, which would break the "<stack>-*" patterns.
      assertTrue(
          max + 1 + longest + 1 + 13 <= 64,
          p + " allows " + max + " characters; with " + longestId + " the name exceeds 64");
    }
  }

  @Test
  void everyRoleTheStacksCreateIsUnderTheBoundaryAndTheDeploymentRoleCreatesNoneWithout() {
    forEachSet(
        (set, t) -> {
          assertFalse(
              String.valueOf(parameters.get(set).get("PermissionsBoundary")).isEmpty(),
              set + ": the pipeline passes its boundary");
          for (String role : ofType(t, "AWS::IAM::Role")) {
            Object boundary = props(t, role).get("PermissionsBoundary");
            assertTrue(
                Map.of("Ref", "PermissionsBoundary").equals(boundary)
                    || Map.of(
                            "Fn::If",
                            List.of(
                                "HasBoundary",
                                Map.of("Ref", "PermissionsBoundary"),
                                Map.of("Ref", "AWS::NoValue")))
                        .equals(boundary),
                set + ": " + role + " has no permissions boundary: " + boundary);
          }
        });
    Set<String> roleChanges =
        Set.of(
            "iam:createrole",
            "iam:putrolepermissionsboundary",
            "iam:attachrolepolicy",
            "iam:detachrolepolicy",
            "iam:putrolepolicy",
            "iam:deleterolepolicy");
    int bounded = 0;
    for (Map<String, Object> s : allowStatements(deploymentRolePolicies())) {
      boolean changesRoles =
          actions(s).stream()
              .anyMatch(
                  a -> roleChanges.stream().anyMatch(c -> glob(a, c)) || glob(a, "iam:passrole"));
      if (!changesRoles) {
        continue;
      }
      Map<String, Object> condition = map(s.getOrDefault("Condition", Map.of()));
      Map<String, Object> equals = map(condition.getOrDefault("StringEquals", Map.of()));
      if (actions(s).stream().anyMatch(a -> glob(a, "iam:passrole"))) {
        assertEquals(List.of("iam:PassRole"), actions(s), "PassRole stands alone: " + s);
        assertTrue(equals.containsKey("iam:PassedToService"), "PassRole names its services");
        continue;
      }
      bounded++;
      assertEquals(
          Map.of("Ref", "ApplicationBoundary"),
          equals.get("iam:PermissionsBoundary"),
          "role changes require the boundary: " + s.get("Sid"));
    }
    assertEquals(1, bounded, "one statement creates and changes roles, under the boundary");
    assertFalse(
        allowStatements(deploymentRolePolicies()).stream()
            .anyMatch(
                s ->
                    actions(s).stream()
                        .anyMatch(a -> glob(a, "iam:deleterolepermissionsboundary"))),
        "the deployment role may not remove a boundary");
  }

  @Test
  void noIdentityPolicyAllowsAnActionOnStarOutsideTheDocumentedList() {
    Set<String> allowed = map(exceptions.get("onStar")).keySet();
    Map<String, Set<String>> found = new TreeMap<>();
    List<Map<String, Object>> templates = new ArrayList<>(expanded.values());
    templates.add(pipeline);
    for (Map<String, Object> t : templates) {
      map(t.get("Resources"))
          .forEach(
              (id, r) -> {
                for (Map<String, Object> s : allowStatements(identityPolicies(map(r)))) {
                  if (!resources(s).contains("*")) {
                    continue;
                  }
                  for (String a : actions(s)) {
                    if (a.contains("*") || !allowed.contains(a)) {
                      found.computeIfAbsent(id, k -> new TreeSet<>()).add(a);
                    }
                  }
                }
              });
    }
    assertEquals(Map.of(), found, "actions allowed on \"*\" outside " + allowed);
  }

  // ------------------------------------------------------------------ topics

  @Test
  void everyTopicIsEncryptedWithAKeyItsPublishersMayUse() {
    List<Map<String, Object>> templates = new ArrayList<>(expanded.values());
    templates.add(pipeline);
    int topics = 0;
    for (Map<String, Object> t : templates) {
      Map<String, Object> resources = map(t.get("Resources"));
      for (String topic : ofType(t, "AWS::SNS::Topic")) {
        topics++;
        Set<String> services = new TreeSet<>();
        resources.forEach(
            (id, r) -> {
              String json = String.valueOf(r);
              boolean names = json.contains("Ref=" + topic + "}");
              if (!names) {
                return;
              }
              switch (type(r)) {
                case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm" ->
                    services.add("cloudwatch.amazonaws.com");
                case "AWS::CodeStarNotifications::NotificationRule" -> {
                  services.add("codestar-notifications.amazonaws.com");
                  Object dependsOn = map(r).get("DependsOn");
                  List<String> policies =
                      resources.entrySet().stream()
                          .filter(e -> type(e.getValue()).equals("AWS::SNS::TopicPolicy"))
                          .filter(e -> String.valueOf(e.getValue()).contains("Ref=" + topic + "}"))
                          .map(Map.Entry::getKey)
                          .toList();
                  assertFalse(policies.isEmpty(), id + ": a topic policy lets it publish");
                  for (String policy : policies) {
                    assertTrue(
                        String.valueOf(dependsOn).contains(policy),
                        id + " is created after " + policy);
                    assertTrue(
                        String.valueOf(resources.get(policy))
                            .contains("Service=codestar-notifications.amazonaws.com"),
                        policy + " allows CodeStar Notifications");
                  }
                }
                default -> {}
              }
            });
        Object keyId = props(t, topic).get("KmsMasterKeyId");
        assertTrue(keyId instanceof Map, topic + ": encrypted with a key of this stack: " + keyId);
        String key = (String) ((List<?>) map(keyId).get("Fn::GetAtt")).get(0);
        assertEquals("AWS::KMS::Key", type(resources.get(key)));
        List<Map<String, Object>> keyPolicy =
            statements(props(t, key).get("KeyPolicy")).stream()
                .filter(s -> "Allow".equals(s.get("Effect")))
                .toList();
        for (String service : services) {
          assertTrue(
              keyPolicy.stream()
                  .anyMatch(
                      s ->
                          String.valueOf(s.get("Principal")).contains(service)
                              && actions(s).contains("kms:Decrypt")
                              && actions(s).contains("kms:GenerateDataKey*")),
              topic + ": " + key + "'s policy lets " + service + " publish");
        }
        assertFalse(services.isEmpty(), topic + " has publishers");
        // Roles of this stack that publish (the pipeline's approval) need the key too.
        for (String role : ofType(t, "AWS::IAM::Role")) {
          List<Map<String, Object>> grants =
              allowStatements(identityPolicies(map(resources.get(role))));
          boolean publishes =
              grants.stream()
                  .anyMatch(
                      s ->
                          actions(s).contains("sns:Publish")
                              && String.valueOf(s.get("Resource")).contains("Ref=" + topic + "}"));
          if (publishes) {
            assertTrue(
                grants.stream()
                    .anyMatch(
                        s ->
                            actions(s).contains("kms:GenerateDataKey*")
                                && String.valueOf(s.get("Resource")).contains(key)),
                role + " publishes to " + topic + " and may use " + key);
          }
        }
      }
    }
    assertEquals(3, topics, "the alarm topic (staging, production) and the pipeline's");
  }

  // ------------------------------------------------------------------ cfn-lint on the expansion

  @Test
  void cfnLintPassesTheExpandedTemplatesWithItsInformationalRules() throws Exception {
    String cfnLint = find("cfn-lint");
    if (cfnLint == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("cfn-lint is not installed: " + INSTALL);
      }
      assumeTrue(false, "cfn-lint is not installed: " + INSTALL);
    }
    // What SAM itself generates, that CloudFormation's transform generates the same way:
    Map<String, String> expected =
        Map.of(
            "I3042",
            "SAM writes the partition it resolved (aws) into the ARNs it generates",
            "W1020",
            "SAM substitutes the parameters in the API policy itself and leaves its Fn::Sub");
    List<String> command = new ArrayList<>(List.of(cfnLint, "--include-checks", "I"));
    command.addAll(List.of("--format", "parseable", "--"));
    expanded.keySet().forEach(set -> command.add(OUT.resolve(set + ".expanded.json").toString()));
    String output = run(command, 300);
    List<String> unexpected =
        output
            .lines()
            .filter(l -> !l.isBlank())
            .filter(l -> l.split(":").length < 6 || !expected.containsKey(l.split(":")[5]))
            // The functions' revisions are used by SAM itself (AutoPublishCodeSha256: the
            // version's name and description), which resolves and drops the reference.
            .filter(l -> !l.matches(".*:W2001:Parameter [A-Za-z]+FunctionRevision not used\\."))
            .toList();
    assertEquals(List.of(), unexpected, "cfn-lint on the expanded templates");
  }

  // ------------------------------------------------------------------ helpers

  private interface SetCheck {
    void check(String set, Map<String, Object> template);
  }

  private static void forEachSet(SetCheck check) {
    assertEquals(Set.of("staging", "production"), expanded.keySet());
    expanded.forEach(check::check);
  }

  static List<String> ofType(Map<String, Object> t, String type) {
    List<String> ids = new ArrayList<>();
    map(t.get("Resources"))
        .forEach(
            (id, r) -> {
              if (type.equals(type(r))) {
                ids.add(id);
              }
            });
    return ids;
  }

  static String type(Object resource) {
    return String.valueOf(map(resource).get("Type"));
  }

  static Map<String, Object> props(Map<String, Object> t, String id) {
    return map(map(map(t.get("Resources")).get(id)).getOrDefault("Properties", Map.of()));
  }

  private static List<Object> deploymentRolePolicies() {
    return identityPolicies(map(map(pipeline.get("Resources")).get("DeploymentRole")));
  }

  /** The policy documents a role, policy or managed policy resource grants. */
  private static List<Object> identityPolicies(Map<String, Object> resource) {
    Map<String, Object> props = map(resource.getOrDefault("Properties", Map.of()));
    List<Object> documents = new ArrayList<>();
    switch (type(resource)) {
      case "AWS::IAM::Role" -> {
        for (Object p : (List<?>) props.getOrDefault("Policies", List.of())) {
          documents.add(map(p).get("PolicyDocument"));
        }
      }
      case "AWS::IAM::Policy", "AWS::IAM::RolePolicy", "AWS::IAM::ManagedPolicy" ->
          documents.add(props.get("PolicyDocument"));
      default -> {}
    }
    return documents;
  }

  private static List<Map<String, Object>> allowStatements(List<Object> documents) {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Object d : documents) {
      for (Map<String, Object> s : statements(d)) {
        if ("Allow".equals(s.get("Effect"))) {
          all.add(s);
        }
      }
    }
    return all;
  }

  /** A document's statements, with both branches of an Fn::If. */
  static List<Map<String, Object>> statements(Object document) {
    List<Map<String, Object>> out = new ArrayList<>();
    Object statement = map(document).get("Statement");
    for (Object s : statement instanceof List<?> l ? l : List.of(statement)) {
      Map<String, Object> m = map(s);
      if (m.containsKey("Fn::If")) {
        for (Object branch : ((List<?>) m.get("Fn::If")).subList(1, 3)) {
          if (branch instanceof Map<?, ?> b && !b.containsKey("Ref")) {
            out.add(map(b));
          }
        }
      } else {
        out.add(m);
      }
    }
    return out;
  }

  static List<String> actions(Map<String, Object> statement) {
    Object a = statement.get("Action");
    List<String> out = new ArrayList<>();
    for (Object x : a instanceof List<?> l ? l : List.of(a)) {
      out.add(String.valueOf(x));
    }
    return out;
  }

  private static List<Object> resources(Map<String, Object> statement) {
    Object r = statement.get("Resource");
    return r instanceof List<?> l ? new ArrayList<>(l) : List.of(String.valueOf(r));
  }

  /** IAM's action matching: case-insensitive, "*" and "?" wildcards. */
  static boolean glob(String pattern, String action) {
    String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(action).matches();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> readJson(Path file) throws Exception {
    return map(JSON.readValue(file.toFile(), Map.class));
  }

  private static Map<String, Object> yaml(String file) throws Exception {
    return map(new Yaml(new CloudFormationYaml()).load(Files.readString(ROOT.resolve(file))));
  }

  private static String run(List<String> command, int seconds) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish in " + seconds + " s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (!command.get(0).endsWith("cfn-lint")) {
      assertEquals(0, p.exitValue(), command + ":\n" + text);
    }
    return text;
  }

  static String find(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, tool);
      if (f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }
}
