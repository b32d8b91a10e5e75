package dev.whereabouts.runner.template;

import static dev.whereabouts.runner.template.Intrinsics.list;
import static dev.whereabouts.runner.template.Intrinsics.map;
import static dev.whereabouts.runner.template.Intrinsics.number;
import static dev.whereabouts.runner.template.Intrinsics.string;

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
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads template.yaml (AWS SAM) into a {@link Suite}: functions (with Globals), the REST API's
 * routes from the functions' {@code Api} events, the authorizer, request models, gateway responses,
 * throttling, tables, and which roles may {@code execute-api:Invoke}, with intrinsic functions
 * resolved by {@link Intrinsics}.
 */
public final class SuiteReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path templateDir;
  private final Map<String, Object> resources;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final String region;
  private final Intrinsics intrinsics;
  private String stage = "prod";

  private SuiteReader(
      Path template, Map<String, Object> root, Map<String, String> overrides, String region)
      throws StartupException {
    this.templateDir = template.toAbsolutePath().getParent();
    this.resourcesRoot = root;
    this.resources = map(root.get("Resources"));
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
    this.intrinsics = new Intrinsics(resources, map(root.get("Conditions")), parameters, region);
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
      root = new Yaml(new CloudFormationYaml()).load(text);
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

  private Object resolve(Object value) {
    return intrinsics.resolve(value);
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
          intrinsics.stage(stage);
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
        policies(functions, "execute-api"),
        policies(functions, "dynamodb:"),
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
    variables.putAll(
        map(map(map(intrinsics.resolveShallow(props.get("Environment"))).get("Variables"))));
    for (Map.Entry<String, Object> v : variables.entrySet()) {
      Object value = resolve(v.getValue());
      if (value != null) {
        env.put(v.getKey(), string(value));
      }
    }
    // Lambda's advanced logging controls: with LogFormat JSON, Lambda sets these two variables
    // (the application log level defaults to INFO); with Text it sets neither.
    Map<String, Object> logging = new LinkedHashMap<>(map(globals.get("LoggingConfig")));
    logging.putAll(map(props.get("LoggingConfig")));
    if (logging.get("LogFormat") != null
        && string(resolve(logging.get("LogFormat"))).equalsIgnoreCase("JSON")) {
      env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
      Object level = logging.get("ApplicationLogLevel");
      env.put("AWS_LAMBDA_LOG_LEVEL", level == null ? "INFO" : string(resolve(level)));
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
   * Statements whose actions name {@code service} (execute-api:Invoke, dynamodb:GetItem…), per
   * function, from its Policies and attached AWS::IAM::Policy (Roles) and AWS::IAM::RolePolicy
   * (RoleName) resources.
   */
  private Map<String, Policy> policies(List<Suite.Function> functions, String service) {
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
            if (String.valueOf(action).contains(service)) {
              invoke.add(st);
            }
          }
          if (!invoke.isEmpty()) {
            policies.put(fn, Policy.from(Map.of("Statement", invoke)));
          }
        });
    return policies;
  }
}
