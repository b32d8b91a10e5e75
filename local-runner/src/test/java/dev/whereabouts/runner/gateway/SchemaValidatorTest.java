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

  private final JsonNode schema =
      json(
          "{\"type\":\"object\",\"required\":[\"latitude\",\"longitude\"],\"additionalProperties\":false,"
              + "\"properties\":{\"latitude\":{\"type\":\"number\",\"minimum\":-90,\"maximum\":90},"
              + "\"longitude\":{\"type\":\"number\"},\"name\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":3}}}");

  SchemaValidatorTest() throws Exception {}

  @Test
  void aValidBodyPasses() throws Exception {
    assertTrue(
        SchemaValidator.validate(schema, json("{\"latitude\":1,\"longitude\":2,\"name\":null}"))
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
    assertEquals(
        1,
        SchemaValidator.validate(
                schema, json("{\"latitude\":1,\"longitude\":2,\"name\":\"😀😀😀😀\"}"))
            .size());
    assertEquals(1, SchemaValidator.validate(schema, json("[]")).size());
  }
}
