package dev.whereabouts.runner.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates a request body against an API Gateway model: the JSON Schema draft-4 keywords models
 * use ({@code type}, {@code required}, {@code properties}, {@code additionalProperties}, {@code
 * minLength}, {@code maxLength}, {@code minimum}, {@code maximum}, {@code pattern}, {@code enum},
 * {@code items}). Messages read like API Gateway's {@code validationErrorString}.
 */
public final class SchemaValidator {
  private SchemaValidator() {}

  /** The problems found; empty when the value is valid. */
  public static List<String> validate(JsonNode schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema, value, "", errors);
    return errors;
  }

  private static void check(JsonNode schema, JsonNode value, String at, List<String> errors) {
    String where = at.isEmpty() ? "" : " at '" + at + "'";
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(type, value)) {
      errors.add(
          "instance type ("
              + typeOf(value)
              + ") does not match any allowed primitive type"
              + where);
      return;
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && allowed.isArray()) {
      boolean found = false;
      for (JsonNode option : allowed) {
        found |= option.equals(value);
      }
      if (!found) {
        errors.add("instance value not found in enum" + where);
      }
    }
    if (value.isTextual()) {
      String s = value.textValue();
      int length = s.codePointCount(0, s.length());
      if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
        errors.add(
            "string is too short (length: "
                + length
                + ", required minimum: "
                + schema.get("minLength").asInt()
                + ")"
                + where);
      }
      if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
        errors.add(
            "string is too long (length: "
                + length
                + ", maximum allowed: "
                + schema.get("maxLength").asInt()
                + ")"
                + where);
      }
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
        errors.add("ECMA 262 regex does not match input string" + where);
      }
    }
    if (value.isNumber()) {
      double d = value.doubleValue();
      if (schema.has("minimum") && d < schema.get("minimum").asDouble()) {
        errors.add(
            "numeric instance is lower than the required minimum (minimum: "
                + schema.get("minimum").asText()
                + ", found: "
                + value.asText()
                + ")"
                + where);
      }
      if (schema.has("maximum") && d > schema.get("maximum").asDouble()) {
        errors.add(
            "numeric instance is greater than the required maximum (maximum: "
                + schema.get("maximum").asText()
                + ", found: "
                + value.asText()
                + ")"
                + where);
      }
    }
    if (value.isObject()) {
      JsonNode required = schema.get("required");
      if (required != null) {
        List<String> missing = new ArrayList<>();
        for (JsonNode r : required) {
          if (!value.has(r.asText())) {
            missing.add("\"" + r.asText() + "\"");
          }
        }
        if (!missing.isEmpty()) {
          errors.add("object has missing required properties (" + missing + ")" + where);
        }
      }
      JsonNode properties = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      Iterator<String> names = value.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        JsonNode propertySchema = properties == null ? null : properties.get(name);
        if (propertySchema != null) {
          check(propertySchema, value.get(name), at + "/" + name, errors);
        } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
          errors.add(
              "object instance has properties which are not allowed by the schema: [\""
                  + name
                  + "\"]"
                  + where);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        check(schema.get("items"), item, at + "/" + i++, errors);
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, value)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "number" -> value.isNumber();
      case "integer" ->
          value.isIntegralNumber()
              || (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue()));
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      default -> true;
    };
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
}
