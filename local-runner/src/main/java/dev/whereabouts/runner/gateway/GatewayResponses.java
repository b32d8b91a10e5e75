package dev.whereabouts.runner.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answers the gateway gives itself (authorizer refusals, validation errors, throttling, unknown
 * routes, failed integrations), shaped by the template's {@code GatewayResponses} as API Gateway
 * shapes them: a status, header mappings ({@code 'literal'} or {@code context.x}) and a body
 * template with {@code $context.…} variables. Types the template leaves out fall back to {@code
 * DEFAULT_4XX} / {@code DEFAULT_5XX}, then to API Gateway's built-in answer.
 */
public final class GatewayResponses {
  /**
   * One template entry.
   *
   * @param status the status code, or null to keep the type's default
   * @param headers header name → mapping expression
   * @param bodyTemplate the {@code application/json} template, or null for the default body
   */
  public record Template(Integer status, Map<String, String> headers, String bodyTemplate) {}

  /** A rendered answer. */
  public record Answer(int status, Map<String, String> headers, String body) {}

  private final Map<String, Template> templates;

  public GatewayResponses(Map<String, Template> templates) {
    this.templates = Map.copyOf(templates);
  }

  /**
   * Renders the answer of one type with the type's own status.
   *
   * @param type e.g. {@link GatewayResponseType#UNAUTHORIZED}
   * @param message the error message ({@code $context.error.message})
   * @param context other {@code $context} variables: requestId, path, httpMethod, stage, …
   */
  public Answer render(GatewayResponseType type, String message, Map<String, String> context) {
    return render(type, type.defaultStatus(), message, context);
  }

  /**
   * Renders the answer of one type with a status of the caller's (a failed Lambda integration is
   * {@code DEFAULT_5XX} answered 502).
   */
  public Answer render(
      GatewayResponseType type, int status, String message, Map<String, String> context) {
    int code = status;
    Optional<Template> template = Optional.ofNullable(templates.get(type.name()));
    if (template.isEmpty()) {
      template = Optional.ofNullable(templates.get(GatewayResponseType.defaultFor(code).name()));
    }
    Map<String, String> vars = new LinkedHashMap<>(context);
    vars.put("error.message", message);
    vars.put("error.messageString", quote(message));
    vars.put("error.responseType", type.name());
    vars.putIfAbsent("error.validationErrorString", message);
    Map<String, String> headers = new LinkedHashMap<>();
    String body = "{\"message\":" + quote(message) + "}";
    headers.put("Content-Type", "application/json");
    if (template.isPresent()) {
      Template t = template.get();
      if (t.status() != null && templates.containsKey(type.name())) {
        code = t.status();
      }
      t.headers().forEach((name, expression) -> headers.put(name, header(expression, vars)));
      if (t.bodyTemplate() != null) {
        body = substitute(t.bodyTemplate(), vars, code);
      }
    }
    return new Answer(code, headers, body);
  }

  private static String header(String expression, Map<String, String> vars) {
    String e = expression.trim();
    if (e.length() >= 2 && e.startsWith("'") && e.endsWith("'")) {
      return e.substring(1, e.length() - 1);
    }
    if (e.startsWith("context.")) {
      return vars.getOrDefault(e.substring("context.".length()), "");
    }
    return e;
  }

  private static String substitute(String template, Map<String, String> vars, int status) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      if (template.startsWith("$context.", i)) {
        int start = i + "$context.".length();
        int end = start;
        while (end < template.length()
            && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '.')) {
          end++;
        }
        while (end > start && template.charAt(end - 1) == '.') {
          end--;
        }
        String name = template.substring(start, end);
        out.append(vars.getOrDefault(name, ""));
        i = end;
      } else if (template.startsWith("$statusCode", i)) {
        out.append(status);
        i += "$statusCode".length();
      } else {
        out.append(template.charAt(i++));
      }
    }
    return out.toString();
  }

  /** A JSON string literal, quotes included. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : (s == null ? "" : s).toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
