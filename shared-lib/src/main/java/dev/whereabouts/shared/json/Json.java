package dev.whereabouts.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.whereabouts.shared.problem.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one configured {@link JsonFactory}, the strict reading of request bodies into {@link
 * JsonObject} trees, and their writing.
 *
 * <p>jackson-core's streaming parser and generator only, no databind: its {@code ObjectMapper} was
 * the largest part of a function's first request above the bare stream-handler floor, and 1.7 MB of
 * every function jar (docs/performance.md). Bodies are read as trees and validated field by field
 * (see {@code validation.Fields}) rather than bound to beans: no reflection, and every error names
 * its field.
 */
public final class Json {
  /** Deeper nesting than any request of this API needs; bounds the parser's work. */
  public static final int MAX_NESTING_DEPTH = 16;

  /** The factory of every parser and generator. Thread-safe; built once (class init). */
  public static final JsonFactory FACTORY =
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
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .build();

  private Json() {}

  /** A new empty object. */
  public static JsonObject object() {
    return new JsonObject();
  }

  /**
   * Parses a request body, already decoded, that must be one JSON object.
   *
   * @throws Problem 400 naming what is wrong and where (never the parser's own message)
   */
  public static JsonObject parseObject(String body) {
    if (body.isEmpty()) {
      throw Problem.badRequest("The request body is empty; a JSON object is required.");
    }
    try (JsonParser p = FACTORY.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw Problem.badRequest("The request body is empty; a JSON object is required.");
      }
      Object value = value(p);
      if (p.nextToken() != null) {
        throw Problem.badRequest(
            "The request body is not valid JSON" + at(p.currentTokenLocation()) + ".");
      }
      if (!(value instanceof JsonObject object)) {
        throw Problem.badRequest("The request body must be a JSON object.");
      }
      return object;
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
      // Jackson refuses a half pair in a property name itself ("Broken surrogate pair in field
      // name"); values reach wholeCharacters, which says UNPAIRED_SURROGATE.
      if (message.equals(UNPAIRED_SURROGATE) || message.startsWith("Broken surrogate pair")) {
        throw Problem.badRequest(
            "The request body holds an escape of half a character (an unpaired surrogate)"
                + at(e.getLocation())
                + ".");
      }
      throw Problem.badRequest("The request body is not valid JSON" + at(e.getLocation()) + ".");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads one JSON value (an event, a dependency's answer) with the same limits as request bodies,
   * as a {@link JsonObject}, {@link List}, {@link String}, {@link Number}, {@link Boolean} or null
   * (also for no value at all). Text after the value is an error.
   *
   * @throws IOException when the input is not one well-formed JSON value within the limits
   */
  public static Object read(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      return readOne(p);
    }
  }

  /** As {@link #read(InputStream)}, from bytes. */
  public static Object read(byte[] in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      return readOne(p);
    }
  }

  private static Object readOne(JsonParser p) throws IOException {
    if (p.nextToken() == null) {
      return null;
    }
    Object value = value(p);
    if (p.nextToken() != null) {
      throw new JsonParseException(p, "trailing text after the JSON value");
    }
    return value;
  }

  /** The value at the parser's current token; leaves the parser on its last token. */
  private static Object value(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        JsonObject object = new JsonObject();
        String name;
        while ((name = p.nextFieldName()) != null) {
          wholeCharacters(p, name);
          p.nextToken();
          object.set(name, value(p));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(p));
        }
        return array;
      }
      case VALUE_STRING -> {
        return wholeCharacters(p, p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new JsonParseException(p, "unexpected token " + p.currentToken());
    }
  }

  /**
   * {@code text} when every surrogate in it is half of a pair. A JSON escape can spell a lone
   * surrogate ({@code "\\ud800x"}), which no UTF-8 text can hold: stored, it would come back as
   * {@code "?x"}, so it is refused rather than altered.
   */
  private static String wholeCharacters(JsonParser p, String text) throws JsonParseException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new JsonParseException(p, UNPAIRED_SURROGATE);
      }
    }
    return text;
  }

  private static final String UNPAIRED_SURROGATE = "unpaired surrogate";

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

  /** Serializes a tree to compact JSON text. */
  public static String write(JsonObject object) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeValue(g, object);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
    return out.toString();
  }

  /**
   * Writes one value of the kinds a {@link JsonObject} holds; anything else is a programming error.
   */
  public static void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof JsonObject object) {
      g.writeStartObject();
      for (Map.Entry<String, Object> property : object.properties().entrySet()) {
        g.writeFieldName(property.getKey());
        writeValue(g, property.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object element : list) {
        writeValue(g, element);
      }
      g.writeEndArray();
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      g.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof BigInteger big) {
      g.writeNumber(big);
    } else if (value instanceof BigDecimal decimal) {
      g.writeNumber(decimal);
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }
}
