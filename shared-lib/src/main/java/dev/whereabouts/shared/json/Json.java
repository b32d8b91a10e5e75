package dev.whereabouts.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.shared.http.Problem;
import dev.whereabouts.shared.validation.Utf8;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one configured {@link ObjectMapper} and the strict reading of request bodies.
 *
 * <p>Bodies are read as trees and validated field by field (see {@code validation.Fields}) rather
 * than bound to beans: no reflection on the init path, and every error names its field.
 */
public final class Json {
  /** Deeper nesting than any request of this API needs; bounds the parser's work. */
  public static final int MAX_NESTING_DEPTH = 16;

  /** The mapper. Thread-safe; built once per function instance (class init). */
  public static final ObjectMapper MAPPER = buildMapper();

  private Json() {}

  private static ObjectMapper buildMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(64)
                    .maxStringLength(64 * 1024)
                    .build())
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .build();
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Parses a request body that must be one JSON object.
   *
   * @throws Problem 400 naming what is wrong and where (never the parser's own message)
   */
  public static ObjectNode parseObject(byte[] body) {
    return parseObject(Utf8.decodeBody(body));
  }

  /**
   * Parses a request body, already decoded, that must be one JSON object.
   *
   * @throws Problem 400 naming what is wrong and where (never the parser's own message)
   */
  public static ObjectNode parseObject(String body) {
    if (body.isEmpty()) {
      throw Problem.badRequest("The request body is empty; a JSON object is required.");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (StreamConstraintsException e) {
      throw Problem.badRequest(
          "The request body nests deeper than "
              + MAX_NESTING_DEPTH
              + " levels or holds a value"
              + " too long to read.");
    } catch (JsonParseException e) {
      String message = String.valueOf(e.getOriginalMessage());
      if (message.startsWith("Duplicate field")) {
        throw Problem.badRequest(
            "The request body repeats the property '" + duplicateName(message) + "'.");
      }
      throw Problem.badRequest("The request body is not valid JSON" + at(e.getLocation()) + ".");
    } catch (JsonProcessingException e) {
      throw Problem.badRequest("The request body is not valid JSON" + at(e.getLocation()) + ".");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || node.isMissingNode()) {
      throw Problem.badRequest("The request body is empty; a JSON object is required.");
    }
    if (!node.isObject()) {
      throw Problem.badRequest("The request body must be a JSON object.");
    }
    return (ObjectNode) node;
  }

  private static String duplicateName(String message) {
    int start = message.indexOf('\'');
    int end = message.indexOf('\'', start + 1);
    return start >= 0 && end > start ? message.substring(start + 1, end) : "?";
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /**
   * Serializes a tree to a compact JSON string, token by token: the same text as the mapper would
   * write, without the mapper's serializer machinery, whose first use loads a few hundred classes
   * on a function's first request (docs/performance.md).
   */
  public static String write(JsonNode node) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      writeTree(g, node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
    return out.toString();
  }

  private static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          g.writeFieldName(field.getKey());
          writeTree(g, field.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode element : node) {
          writeTree(g, element);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(node.textValue());
      case BOOLEAN -> g.writeBoolean(node.booleanValue());
      case NULL, MISSING -> g.writeNull();
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> g.writeNumber(node.intValue());
          case LONG -> g.writeNumber(node.longValue());
          case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
          case FLOAT -> g.writeNumber(node.floatValue());
          case DOUBLE -> g.writeNumber(node.doubleValue());
          default -> g.writeNumber(node.decimalValue());
        }
      }
      default -> MAPPER.writeTree(g, node); // binary and POJO nodes: none in this project
    }
  }
}
