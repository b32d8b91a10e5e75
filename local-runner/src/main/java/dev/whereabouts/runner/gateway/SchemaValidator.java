package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a request body against an API Gateway model as the deployed gateway does: JSON Schema
 * draft 4 (networknt's validator), applied to the model as API Gateway's model import keeps it. The
 * import drops a {@code type} given as a list (such as {@code [string, "null"]}), so such a
 * property accepts any type on AWS, and here.
 */
public final class SchemaValidator {
  private static final SchemaRegistry DRAFT_4 =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

  /** Compiled models, by the model as the template states it (a handful per API). */
  private static final Map<JsonNode, Schema> COMPILED = new ConcurrentHashMap<>();

  private SchemaValidator() {}

  /** The problems found; empty when the value is valid. */
  public static List<String> validate(JsonNode model, JsonNode value) {
    Schema schema =
        COMPILED.computeIfAbsent(
            model, m -> DRAFT_4.getSchema(SchemaLocation.of("urn:whereabouts:model"), imported(m)));
    List<String> problems = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    String missingAt = "";
    for (Error e : schema.validate(value)) {
      if ("required".equals(e.getKeyword())) {
        missing.add("\"" + e.getProperty() + "\"");
        missingAt = where(e);
      } else {
        problems.add(message(e));
      }
    }
    if (!missing.isEmpty()) {
      problems.add(0, "object has missing required properties (" + missing + ")" + missingAt);
    }
    return problems;
  }

  /** The wording of API Gateway's validationErrorString for the keywords models use. */
  private static String message(Error e) {
    JsonNode instance = e.getInstanceNode();
    JsonNode limit = e.getSchemaNode();
    String where = where(e);
    return switch (e.getKeyword()) {
      case "type" ->
          "instance type ("
              + typeOf(instance)
              + ") does not match any allowed primitive type (allowed: ["
              + limit
              + "])"
              + where;
      case "maxLength" ->
          "string is too long (length: "
              + length(instance)
              + ", maximum allowed: "
              + limit.asText()
              + ")"
              + where;
      case "minLength" ->
          "string is too short (length: "
              + length(instance)
              + ", required minimum: "
              + limit.asText()
              + ")"
              + where;
      case "pattern" ->
          "ECMA 262 regex \"" + limit.asText() + "\" does not match input string" + where;
      case "minimum" ->
          "numeric instance is lower than the required minimum (minimum: "
              + limit.asText()
              + ", found: "
              + instance.asText()
              + ")"
              + where;
      case "maximum" ->
          "numeric instance is greater than the required maximum (maximum: "
              + limit.asText()
              + ", found: "
              + instance.asText()
              + ")"
              + where;
      case "additionalProperties" ->
          "object instance has properties which are not allowed by the schema: [\""
              + e.getProperty()
              + "\"]"
              + where;
      case "enum" -> "instance value (" + instance + ") not found in enum" + where;
      default -> e.getMessage() + where;
    };
  }

  private static String where(Error e) {
    String at = String.valueOf(e.getInstanceLocation());
    return at.isEmpty() || at.equals("$") ? "" : " at '" + at + "'";
  }

  private static int length(JsonNode text) {
    String s = text.asText();
    return s.codePointCount(0, s.length());
  }

  private static String typeOf(JsonNode value) {
    if (value.isObject()) {
      return "object";
    } else if (value.isArray()) {
      return "array";
    } else if (value.isTextual()) {
      return "string";
    } else if (value.isIntegralNumber()) {
      return "integer";
    } else if (value.isNumber()) {
      return "number";
    } else if (value.isBoolean()) {
      return "boolean";
    }
    return "null";
  }

  /** The model as API Gateway's import keeps it: type lists removed, everywhere. */
  static JsonNode imported(JsonNode model) {
    JsonNode copy = model.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.path("type").isArray()) {
        object.remove("type");
      }
    }
    for (JsonNode child : node) {
      strip(child);
    }
  }
}
