package dev.whereabouts.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.LocalRunner.StartupException;
import dev.whereabouts.runner.dynamodb.TableSpec;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.gateway.GatewayResponses;
import dev.whereabouts.runner.gateway.Policy;
import dev.whereabouts.runner.gateway.Throttle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads template.yaml (AWS SAM) into a {@link Suite}: functions (with Globals), the REST API's
 * routes from the functions' {@code Api} events, the authorizer, request models, gateway responses,
 * throttling, tables, and which roles may {@code execute-api:Invoke}. Intrinsic functions are
 * resolved as CloudFormation would for a local account: {@code Ref} to parameters (defaults or
 * overrides) and tables (their names), {@code Fn::Sub}, {@code Fn::GetAtt}, {@code Fn::If} with
 * simple conditions.
 */
public final class SuiteReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}]+)}");

  private final Path templateDir;
  private final Map<String, Object> resources;
  private final Map<String, Object> conditions;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final String region;
  private String stage = "prod";

  private SuiteReader(
      Path template, Map<String, Object> root, Map<String, String> overrides, String region)
      throws StartupException {
    this.templateDir = template.toAbsolutePath().getParent();
    this.resourcesRoot = root;
    this.resources = map(root.get("Resources"));
    this.conditions = map(root.get("Conditions"));
    this.region = region;
    for (Map.Entry<String, Object> p : map(root.get("Parameters")).entrySet()) {
      Object def = map(p.getValue()).get("Default");
      if (def != null) {
        parameters.put(p.getKey(), String.valueOf(def));
      }
    }
    for (String name : overrides.keySet()) {
      if (!map(root.get("Parameters")).containsKey(name)) {
        throw new StartupException(
            "--parameter-overrides: the template has no parameter '" + name + "'");
      }
    }
    parameters.putAll(overrides);
  }

  /** Reads the template; every problem is a one-line {@link StartupException}. */
  public static Suite read(Path template, Map<String, String> overrides, String region)
      throws StartupException {
    String text;
    try {
      text = Files.readString(template);
    } catch (NoSuchFileException e) {
      throw new StartupException(
          template + " not found; run from the repository or pass --template FILE");
    } catch (IOException e) {
      throw new StartupException("cannot read " + template + ": " + e.getMessage());
    }
    Object root;
    try {
      root = new Yaml(new CloudFormationConstructor()).load(text);
    } catch (MarkedYAMLException e) {
      throw new StartupException(
          template
              + ":"
              + (e.getProblemMark().getLine() + 1)
              + ": "
              + e.getProblem()
              + " (column "
              + (e.getProblemMark().getColumn() + 1)
              + ")");
    } catch (RuntimeException e) {
      throw new StartupException(template + ": not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?>)) {
      throw new StartupException(
          template + ": not a CloudFormation template (no top-level mapping)");
    }
    try {
      return new SuiteReader(template, map(root), overrides, region).suite();
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new StartupException(template + ": " + e.getMessage());
    }
  }

  private Suite suite() {
    Map<String, Object> globals = map(map(resourcesRoot().get("Globals")).get("Function"));
    List<Suite.Function> functions = new ArrayList<>();
    List<ApiRoute> routes = new ArrayList<>();
    List<TableSpec> tables = new ArrayList<>();
    Map<String, GatewayResponses.Template> gatewayResponses = new LinkedHashMap<>();
    Optional<Throttle.Limits> stageThrottle = Optional.empty();
    Map<String, Map<String, Object>> authorizers = new LinkedHashMap<>();
    Map<String, Map<String, Object>> models = new LinkedHashMap<>();
    Map<String, Throttle.Limits> methodThrottles = new LinkedHashMap<>();
    String defaultAuthorizer = null;
    Map<String, String> cors = new LinkedHashMap<>();

    for (Map.Entry<String, Object> r : resources.entrySet()) {
      Map<String, Object> resource = map(r.getValue());
      Map<String, Object> props = map(resource.get("Properties"));
      switch (String.valueOf(resource.get("Type"))) {
        case "AWS::Serverless::Api" -> {
          stage = string(resolve(props.get("StageName")));
          Map<String, Object> auth = map(props.get("Auth"));
          defaultAuthorizer =
              auth.get("DefaultAuthorizer") == null
                  ? null
                  : string(resolve(auth.get("DefaultAuthorizer")));
          map(auth.get("Authorizers")).forEach((name, a) -> authorizers.put(name, map(a)));
          map(props.get("Models")).forEach((name, m) -> models.put(name, map(resolve(m))));
          // SAM answers preflights with these headers (values are quoted literals, as in SAM).
          Map<String, Object> c = map(props.get("Cors"));
          for (String[] h :
              new String[][] {
                {"AllowOrigin", "Access-Control-Allow-Origin"},
                {"AllowMethods", "Access-Control-Allow-Methods"},
                {"AllowHeaders", "Access-Control-Allow-Headers"},
                {"MaxAge", "Access-Control-Max-Age"}
              }) {
            if (c.get(h[0]) != null) {
              String v = string(resolve(c.get(h[0])));
              cors.put(
                  h[1],
                  v.length() >= 2 && v.startsWith("'") && v.endsWith("'")
                      ? v.substring(1, v.length() - 1)
                      : v);
            }
          }
          map(props.get("GatewayResponses"))
              .forEach((type, g) -> gatewayResponses.put(type, gatewayResponse(map(g))));
          for (Object setting : list(props.get("MethodSettings"))) {
            Map<String, Object> s = map(setting);
            if (s.get("ThrottlingRateLimit") == null) {
              continue;
            }
            Throttle.Limits limits =
                new Throttle.Limits(
                    number(resolve(s.get("ThrottlingRateLimit"))),
                    (int)
                        number(
                            resolve(
                                s.getOrDefault(
                                    "ThrottlingBurstLimit", s.get("ThrottlingRateLimit")))));
            String path = string(resolve(s.getOrDefault("ResourcePath", "/*")));
            String method = string(resolve(s.getOrDefault("HttpMethod", "*")));
            if (path.equals("/*") && method.equals("*")) {
              stageThrottle = Optional.of(limits);
            } else {
              // MethodSettings encode the resource path's slashes as '~1' after a leading '/'.
              String resourcePath =
                  path.startsWith("/~1") ? path.substring(1).replace("~1", "/") : path;
              methodThrottles.put(method.toUpperCase(Locale.ROOT) + " " + resourcePath, limits);
            }
          }
        }
        case "AWS::DynamoDB::Table" -> tables.add(table(r.getKey(), props));
        default -> {}
      }
    }

    for (Map.Entry<String, Object> r : resources.entrySet()) {
      Map<String, Object> resource = map(r.getValue());
      if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
        continue;
      }
      Map<String, Object> props = new LinkedHashMap<>(globals);
      props.putAll(map(resource.get("Properties")));
      functions.add(function(r.getKey(), props, globals));
      for (Object e : map(props.get("Events")).values()) {
        Map<String, Object> event = map(e);
        if (!"Api".equals(event.get("Type"))) {
          continue;
        }
        Map<String, Object> ep = map(event.get("Properties"));
        String method = string(resolve(ep.get("Method"))).toUpperCase(Locale.ROOT);
        String path = string(resolve(ep.get("Path")));
        Map<String, Object> auth = map(ep.get("Auth"));
        String authorizerName =
            auth.containsKey("Authorizer")
                ? string(resolve(auth.get("Authorizer")))
                : defaultAuthorizer;
        ApiRoute.Auth routeAuth;
        if (authorizerName == null || authorizerName.equals("NONE")) {
          routeAuth = new ApiRoute.NoAuth();
        } else if (authorizerName.equals("AWS_IAM")) {
          routeAuth = new ApiRoute.IamAuth();
        } else {
          Map<String, Object> a = authorizers.get(authorizerName);
          if (a == null) {
            throw new IllegalArgumentException(
                method + " " + path + " names unknown authorizer " + authorizerName);
          }
          routeAuth = authorizer(authorizerName, a);
        }
        Optional<JsonNode> schema = Optional.empty();
        Map<String, Object> requestModel = map(ep.get("RequestModel"));
        if (requestModel.get("Model") != null
            && !Boolean.FALSE.equals(requestModel.get("ValidateBody"))) {
          Map<String, Object> model = models.get(string(resolve(requestModel.get("Model"))));
          if (model == null) {
            throw new IllegalArgumentException(
                method + " " + path + " names unknown model " + requestModel.get("Model"));
          }
          schema = Optional.of(JSON.valueToTree(model));
        }
        routes.add(
            new ApiRoute(
                method,
                path,
                r.getKey(),
                routeAuth,
                schema,
                Optional.ofNullable(methodThrottles.get(method + " " + path))));
      }
    }
    return new Suite(
        stage,
        region,
        functions,
        routes,
        tables,
        gatewayResponses,
        stageThrottle,
        invokePolicies(functions),
        cors,
        monitoring());
  }

  /** The CloudWatch alarms and dashboards, their properties resolved. */
  private List<Suite.Resource> monitoring() {
    List<Suite.Resource> out = new ArrayList<>();
    for (Map.Entry<String, Object> r : resources.entrySet()) {
      String type = String.valueOf(map(r.getValue()).get("Type"));
      if (type.startsWith("AWS::CloudWatch::")) {
        out.add(
            new Suite.Resource(
                r.getKey(), type, map(resolve(map(r.getValue()).get("Properties")))));
      }
    }
    return out;
  }

  private final Map<String, Object> resourcesRoot;

  private Map<String, Object> resourcesRoot() {
    return resourcesRoot;
  }

  private Suite.Function function(
      String id, Map<String, Object> props, Map<String, Object> globals) {
    String codeUri = string(resolve(props.get("CodeUri")));
    Path jar = templateDir.resolve(codeUri).normalize();
    String module =
        Path.of(codeUri).getNameCount() > 0 ? Path.of(codeUri).getName(0).toString() : codeUri;
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, Object> variables =
        new LinkedHashMap<>(map(map(globals.get("Environment")).get("Variables")));
    variables.putAll(map(map(map(resolveShallow(props.get("Environment"))).get("Variables"))));
    for (Map.Entry<String, Object> v : variables.entrySet()) {
      Object value = resolve(v.getValue());
      if (value != null) {
        env.put(v.getKey(), string(value));
      }
    }
    return new Suite.Function(
        id,
        jar,
        module,
        string(resolve(props.get("Handler"))),
        Duration.ofSeconds((long) number(resolve(props.getOrDefault("Timeout", 3)))),
        (int) number(resolve(props.getOrDefault("MemorySize", 128))),
        env);
  }

  private ApiRoute.AuthorizerAuth authorizer(String name, Map<String, Object> a) {
    Object arn = a.get("FunctionArn");
    String function = null;
    if (arn instanceof Map<?, ?> m && m.get("Fn::GetAtt") != null) {
      function = string(list(m.get("Fn::GetAtt")).get(0));
    } else if (arn instanceof Map<?, ?> m
        && m.get("Ref") instanceof String ref
        && ref.endsWith(".Alias")) {
      // !Ref Function.Alias: the published alias (SnapStart runs published versions only).
      function = ref.substring(0, ref.length() - ".Alias".length());
    }
    if (function == null) {
      throw new IllegalArgumentException(
          "authorizer "
              + name
              + ": FunctionArn must be !GetAtt <Function>.Arn or !Ref <Function>.Alias");
    }
    Map<String, Object> identity = map(a.get("Identity"));
    List<String> headers = new ArrayList<>();
    for (Object h : list(identity.get("Headers"))) {
      headers.add(string(resolve(h)));
    }
    int ttl =
        identity.get("ReauthorizeEvery") == null
            ? 300
            : (int) number(resolve(identity.get("ReauthorizeEvery")));
    return new ApiRoute.AuthorizerAuth(name, function, headers, ttl);
  }

  private GatewayResponses.Template gatewayResponse(Map<String, Object> g) {
    Map<String, String> headers = new LinkedHashMap<>();
    map(map(g.get("ResponseParameters")).get("Headers"))
        .forEach((k, v) -> headers.put(k, string(resolve(v))));
    Object template = map(g.get("ResponseTemplates")).get("application/json");
    Integer status =
        g.get("StatusCode") == null ? null : (int) number(resolve(g.get("StatusCode")));
    return new GatewayResponses.Template(
        status, headers, template == null ? null : string(resolve(template)));
  }

  private TableSpec table(String id, Map<String, Object> props) {
    String name = props.get("TableName") == null ? id : string(resolve(props.get("TableName")));
    String hashKey = null;
    for (Object k : list(props.get("KeySchema"))) {
      Map<String, Object> key = map(k);
      if ("HASH".equals(resolve(key.get("KeyType")))) {
        hashKey = string(resolve(key.get("AttributeName")));
      }
    }
    if (hashKey == null) {
      throw new IllegalArgumentException("table " + id + " has no HASH key");
    }
    String type = "S";
    for (Object d : list(props.get("AttributeDefinitions"))) {
      Map<String, Object> def = map(d);
      if (hashKey.equals(resolve(def.get("AttributeName")))) {
        type = string(resolve(def.get("AttributeType")));
      }
    }
    Map<String, Object> ttl = map(props.get("TimeToLiveSpecification"));
    Optional<String> ttlAttribute =
        Boolean.TRUE.equals(resolve(ttl.get("Enabled")))
            ? Optional.of(string(resolve(ttl.get("AttributeName"))))
            : Optional.empty();
    return new TableSpec(id, name, hashKey, type, ttlAttribute);
  }

  /**
   * Statements granting execute-api:Invoke, per function, from its Policies and attached
   * AWS::IAM::Policy (Roles) and AWS::IAM::RolePolicy (RoleName) resources.
   */
  private Map<String, Policy> invokePolicies(List<Suite.Function> functions) {
    Map<String, List<Object>> statements = new LinkedHashMap<>();
    for (Suite.Function f : functions) {
      Map<String, Object> props = map(map(resources.get(f.logicalId())).get("Properties"));
      for (Object p : list(props.get("Policies"))) {
        if (p instanceof Map<?, ?> m && m.get("Statement") != null) {
          statements
              .computeIfAbsent(f.logicalId(), k -> new ArrayList<>())
              .addAll(list(resolve(m.get("Statement"))));
        }
      }
    }
    for (Map.Entry<String, Object> r : resources.entrySet()) {
      Map<String, Object> resource = map(r.getValue());
      Object type = resource.get("Type");
      if (!"AWS::IAM::Policy".equals(type) && !"AWS::IAM::RolePolicy".equals(type)) {
        continue;
      }
      Map<String, Object> props = map(resource.get("Properties"));
      List<Object> roles =
          "AWS::IAM::Policy".equals(type)
              ? list(props.get("Roles"))
              : props.get("RoleName") == null ? List.of() : List.of(props.get("RoleName"));
      for (Object role : roles) {
        if (role instanceof Map<?, ?> ref && ref.get("Ref") instanceof String roleId) {
          for (Suite.Function f : functions) {
            if (roleId.equals(f.logicalId() + "Role")) {
              statements
                  .computeIfAbsent(f.logicalId(), k -> new ArrayList<>())
                  .addAll(list(resolve(map(props.get("PolicyDocument")).get("Statement"))));
            }
          }
        }
      }
    }
    Map<String, Policy> policies = new LinkedHashMap<>();
    statements.forEach(
        (fn, s) -> {
          List<Object> invoke = new ArrayList<>();
          for (Object st : s) {
            Object action = map(st).get("Action");
            if (String.valueOf(action).contains("execute-api")) {
              invoke.add(st);
            }
          }
          if (!invoke.isEmpty()) {
            policies.put(fn, Policy.from(Map.of("Statement", invoke)));
          }
        });
    return policies;
  }

  // ---- intrinsic functions -------------------------------------------------------------

  private Object resolveShallow(Object value) {
    return value instanceof Map<?, ?> m
            && m.size() == 1
            && m.keySet().iterator().next() instanceof String k
            && (k.equals("Fn::If") || k.equals("Ref"))
        ? resolve(value)
        : value;
  }

  /** Resolves intrinsic functions; {@code AWS::NoValue} resolves to null. */
  private Object resolve(Object value) {
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        Object r = resolve(o);
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    }
    if (!(value instanceof Map<?, ?> m)) {
      return value;
    }
    if (m.size() == 1) {
      String key = String.valueOf(m.keySet().iterator().next());
      Object arg = m.values().iterator().next();
      switch (key) {
        case "Ref" -> {
          return ref(string(arg));
        }
        case "Fn::Sub" -> {
          if (arg instanceof List<?> l) {
            Map<String, Object> vars = map(l.get(1));
            return sub(string(l.get(0)), vars);
          }
          return sub(string(arg), Map.of());
        }
        case "Fn::GetAtt" -> {
          List<Object> parts = arg instanceof String s ? List.of(s.split("\\.", 2)) : list(arg);
          return getAtt(string(parts.get(0)), string(parts.get(1)));
        }
        case "Fn::If" -> {
          List<Object> l = list(arg);
          return condition(string(l.get(0))) ? resolve(l.get(1)) : resolve(l.get(2));
        }
        case "Fn::Join" -> {
          List<Object> l = list(arg);
          List<String> parts = new ArrayList<>();
          for (Object o : list(resolve(l.get(1)))) {
            parts.add(string(o));
          }
          return String.join(string(l.get(0)), parts);
        }
        case "Fn::Select" -> {
          List<Object> l = list(arg);
          return list(resolve(l.get(1))).get((int) number(resolve(l.get(0))));
        }
        default -> {}
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          Object r = resolve(v);
          if (r != null) {
            out.put(String.valueOf(k), r);
          }
        });
    return out;
  }

  private boolean condition(String name) {
    return evaluate(conditions.get(name));
  }

  private boolean evaluate(Object c) {
    Map<String, Object> m = map(c);
    if (m.containsKey("Fn::Equals")) {
      List<Object> l = list(m.get("Fn::Equals"));
      return String.valueOf(resolve(l.get(0))).equals(String.valueOf(resolve(l.get(1))));
    }
    if (m.containsKey("Fn::Not")) {
      return !evaluate(list(m.get("Fn::Not")).get(0));
    }
    if (m.containsKey("Fn::And")) {
      return list(m.get("Fn::And")).stream().allMatch(this::evaluate);
    }
    if (m.containsKey("Fn::Or")) {
      return list(m.get("Fn::Or")).stream().anyMatch(this::evaluate);
    }
    if (m.containsKey("Condition")) {
      return condition(string(m.get("Condition")));
    }
    throw new IllegalArgumentException("unsupported condition " + c);
  }

  private Object ref(String name) {
    switch (name) {
      case "AWS::Region":
        return region;
      case "AWS::AccountId":
        return LocalRunner.ACCOUNT_ID;
      case "AWS::StackName":
        return "local";
      case "AWS::Partition":
        return "aws";
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::NoValue":
        return null;
      default:
        break;
    }
    if (parameters.containsKey(name)) {
      return parameters.get(name);
    }
    Map<String, Object> resource = map(resources.get(name));
    String type = String.valueOf(resource.get("Type"));
    Map<String, Object> props = map(resource.get("Properties"));
    return switch (type) {
      case "AWS::DynamoDB::Table" ->
          props.get("TableName") == null ? name : string(resolve(props.get("TableName")));
      case "AWS::Serverless::Api" -> LocalRunner.API_ID;
      // An alarm's Ref is its name, as CloudFormation answers it.
      case "AWS::CloudWatch::Alarm",
          "AWS::CloudWatch::CompositeAlarm",
          "AWS::CloudWatch::Dashboard" ->
          props.get(type.endsWith("Dashboard") ? "DashboardName" : "AlarmName") == null
              ? name
              : string(
                  resolve(props.get(type.endsWith("Dashboard") ? "DashboardName" : "AlarmName")));
      default -> name;
    };
  }

  private Object getAtt(String resource, String attribute) {
    Map<String, Object> r = map(resources.get(resource));
    String type = String.valueOf(r.get("Type"));
    if (type.equals("AWS::DynamoDB::Table") && attribute.equals("Arn")) {
      return "arn:aws:dynamodb:"
          + region
          + ":"
          + LocalRunner.ACCOUNT_ID
          + ":table/"
          + ref(resource);
    }
    if (type.equals("AWS::Serverless::Function") && attribute.equals("Arn")) {
      return "arn:aws:lambda:" + region + ":" + LocalRunner.ACCOUNT_ID + ":function:" + resource;
    }
    if (type.startsWith("AWS::CloudWatch::") && type.endsWith("Alarm") && attribute.equals("Arn")) {
      return "arn:aws:cloudwatch:"
          + region
          + ":"
          + LocalRunner.ACCOUNT_ID
          + ":alarm:"
          + ref(resource);
    }
    return resource + "." + attribute;
  }

  private String sub(String template, Map<String, Object> vars) {
    Matcher m = SUB.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      Object value;
      if (vars.containsKey(name)) {
        value = resolve(vars.get(name));
      } else if (name.contains(".")) {
        String[] parts = name.split("\\.", 2);
        value = getAtt(parts[0], parts[1]);
      } else if (name.equals("Stage") && !parameters.containsKey(name)) {
        value = stage;
      } else {
        value = ref(name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  // ---- plumbing ------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : o == null ? List.of() : List.of(o);
  }

  private static String string(Object o) {
    if (o == null) {
      throw new IllegalArgumentException("a required value is missing");
    }
    return String.valueOf(o);
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    return Double.parseDouble(string(o));
  }

  /** SnakeYAML with CloudFormation's short-form tags ({@code !Ref}, {@code !Sub}, …). */
  static final class CloudFormationConstructor extends SafeConstructor {
    CloudFormationConstructor() {
      super(new LoaderOptions());
      for (String fn :
          List.of(
              "Ref",
              "Condition",
              "Sub",
              "GetAtt",
              "If",
              "Equals",
              "Not",
              "And",
              "Or",
              "Select",
              "Join",
              "Split",
              "FindInMap",
              "ImportValue",
              "Base64",
              "Cidr",
              "GetAZs",
              "Transform",
              "ToJsonString",
              "Length")) {
        String longName = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
        yamlConstructors.put(
            new Tag("!" + fn),
            new AbstractConstruct() {
              @Override
              public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode s) {
                  value = constructScalar(s);
                  if (fn.equals("GetAtt")) {
                    value = List.of(String.valueOf(value).split("\\.", 2));
                  }
                } else if (node instanceof SequenceNode s) {
                  value = constructSequence(s);
                } else {
                  value = constructMapping((MappingNode) node);
                }
                return Map.of(longName, value);
              }
            });
      }
    }
  }
}
