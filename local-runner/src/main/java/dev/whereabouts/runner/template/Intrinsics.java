package dev.whereabouts.runner.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions, resolved as CloudFormation would for the runner's local
 * account and stack: {@code Ref} to pseudo parameters, parameters (defaults or overrides) and
 * resources (a table's name, an alarm's name, the API's id), {@code Fn::Sub}, {@code Fn::GetAtt}
 * (the ARNs the template uses), {@code Fn::If} with {@code Fn::Equals}/{@code Not}/{@code And}/
 * {@code Or} conditions, {@code Fn::Join} and {@code Fn::Select}. {@code AWS::NoValue} resolves to
 * null and drops its member.
 */
final class Intrinsics {
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}]+)}");

  private final Map<String, Object> resources;
  private final Map<String, Object> conditions;
  private final Map<String, String> parameters;
  private final String region;
  private String stage = "prod";

  Intrinsics(
      Map<String, Object> resources,
      Map<String, Object> conditions,
      Map<String, String> parameters,
      String region) {
    this.resources = resources;
    this.conditions = conditions;
    this.parameters = parameters;
    this.region = region;
  }

  /** The API's stage name, which SAM lets {@code ${Stage}} name without a parameter. */
  void stage(String stage) {
    this.stage = stage;
  }

  /** Resolves a value only when it is itself a {@code Ref} or {@code Fn::If}. */
  Object resolveShallow(Object value) {
    return value instanceof Map<?, ?> m
            && m.size() == 1
            && m.keySet().iterator().next() instanceof String k
            && (k.equals("Fn::If") || k.equals("Ref"))
        ? resolve(value)
        : value;
  }

  /** Resolves intrinsic functions; {@code AWS::NoValue} resolves to null. */
  Object resolve(Object value) {
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

  Object ref(String name) {
    switch (name) {
      case "AWS::Region":
        return region;
      case "AWS::AccountId":
        return Suite.ACCOUNT_ID;
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
      case "AWS::Serverless::Api" -> Suite.API_ID;
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
      return "arn:aws:dynamodb:" + region + ":" + Suite.ACCOUNT_ID + ":table/" + ref(resource);
    }
    if (type.equals("AWS::Serverless::Function") && attribute.equals("Arn")) {
      return "arn:aws:lambda:" + region + ":" + Suite.ACCOUNT_ID + ":function:" + resource;
    }
    if (type.startsWith("AWS::CloudWatch::") && type.endsWith("Alarm") && attribute.equals("Arn")) {
      return "arn:aws:cloudwatch:" + region + ":" + Suite.ACCOUNT_ID + ":alarm:" + ref(resource);
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

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : o == null ? List.of() : List.of(o);
  }

  static String string(Object o) {
    if (o == null) {
      throw new IllegalArgumentException("a required value is missing");
    }
    return String.valueOf(o);
  }

  static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    return Double.parseDouble(string(o));
  }
}
