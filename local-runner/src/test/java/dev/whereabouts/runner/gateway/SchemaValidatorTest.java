package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  // The template's Location model: name has no type (null is allowed, API.md).
  private final JsonNode schema =
      json(
          "{\"type\":\"object\",\"required\":[\"latitude\",\"longitude\"],\"additionalProperties\":false,"
              + "\"properties\":{\"latitude\":{\"type\":\"number\",\"minimum\":-90,\"maximum\":90},"
              + "\"longitude\":{\"type\":\"number\"},\"name\":{\"minLength\":1,\"maxLength\":3}}}");

  SchemaValidatorTest() throws Exception {}

  @Test
  void aValidBodyPasses() throws Exception {
    assertTrue(
        SchemaValidator.validate(schema, json("{\"latitude\":1,\"longitude\":2,\"name\":null}"))
            .isEmpty());
    assertTrue(
        SchemaValidator.validate(schema, json("{\"latitude\":1,\"longitude\":2,\"name\":\"Abc\"}"))
            .isEmpty());
  }

  @Test
  void eachViolationIsReported() throws Exception {
    assertEquals(1, SchemaValidator.validate(schema, json("{\"latitude\":1}")).size());
    assertEquals(
        1, SchemaValidator.validate(schema, json("{\"latitude\":91,\"longitude\":2}")).size());
    assertEquals(
        1, SchemaValidator.validate(schema, json("{\"latitude\":\"1\",\"longitude\":2}")).size());
    assertEquals(
        1,
        SchemaValidator.validate(schema, json("{\"latitude\":1,\"longitude\":2,\"x\":1}")).size());
    // Lengths count characters (code points), not UTF-16 units.
    assertEquals(
        1,
        SchemaValidator.validate(
                schema, json("{\"latitude\":1,\"longitude\":2,\"name\":\"😀😀😀😀\"}"))
            .size());
    assertTrue(
        SchemaValidator.validate(
                schema, json("{\"latitude\":1,\"longitude\":2,\"name\":\"😀😀😀\"}"))
            .isEmpty());
    assertEquals(1, SchemaValidator.validate(schema, json("[]")).size());
  }

  @Test
  void messagesReadLikeApiGatewaysValidationErrorString() throws Exception {
    assertEquals(
        java.util.List.of(
            "object has missing required properties ([\"longitude\"])",
            "string is too long (length: 4, maximum allowed: 3) at '/name'"),
        SchemaValidator.validate(schema, json("{\"latitude\":1,\"name\":\"abcd\"}")));
  }

  @Test
  void aTypeListIsDroppedAsApiGatewaysModelImportDropsIt() throws Exception {
    JsonNode withList =
        json(
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":[\"string\",\"null\"],\"maxLength\":3}}}");
    // The deployed gateway accepts a number here: so does the runner.
    assertTrue(SchemaValidator.validate(withList, json("{\"name\":5}")).isEmpty());
    assertEquals(1, SchemaValidator.validate(withList, json("{\"name\":\"long\"}")).size());
  }
}
