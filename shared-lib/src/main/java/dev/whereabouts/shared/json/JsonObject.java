package dev.whereabouts.shared.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object as this project reads and writes it: properties in order, each value a {@link
 * String}, {@link Boolean}, {@link Number}, {@code JsonObject}, {@link List} of such values, or
 * {@code null} for JSON null.
 *
 * <p>Our own small tree on jackson-core's streaming parser and generator instead of databind's
 * {@code JsonObject}: databind's mapper loads a few hundred classes on a function's first request
 * and is 1.7 MB of every function jar (docs/performance.md, decision 0008). Not thread-safe; a tree
 * belongs to one request.
 */
public final class JsonObject {
  private final Map<String, Object> properties = new LinkedHashMap<>();

  /** A property's value as read or put: null when absent or JSON null. */
  public Object get(String name) {
    return properties.get(name);
  }

  /** Whether the property is present (JSON null counts as present). */
  public boolean has(String name) {
    return properties.containsKey(name);
  }

  /** A string property, or null when absent, JSON null or not a string. */
  public String text(String name) {
    return properties.get(name) instanceof String s ? s : null;
  }

  /**
   * A nested object, or an empty one when the property is absent or not an object (so a chain of
   * lookups into an optional part of an event needs no null checks).
   */
  public JsonObject object(String name) {
    return properties.get(name) instanceof JsonObject o ? o : new JsonObject();
  }

  /** The property names, in order. */
  public Set<String> names() {
    return Collections.unmodifiableSet(properties.keySet());
  }

  /** The properties, in order; unmodifiable. */
  public Map<String, Object> properties() {
    return Collections.unmodifiableMap(properties);
  }

  /** Sets a string property (null writes JSON null). */
  public JsonObject put(String name, String value) {
    properties.put(name, value);
    return this;
  }

  /** Sets an integer property. */
  public JsonObject put(String name, long value) {
    properties.put(name, value);
    return this;
  }

  /** Sets a number property. */
  public JsonObject put(String name, double value) {
    properties.put(name, value);
    return this;
  }

  /** Sets a boolean property. */
  public JsonObject put(String name, boolean value) {
    properties.put(name, value);
    return this;
  }

  /** Sets a nested object (null writes JSON null). */
  public JsonObject put(String name, JsonObject value) {
    properties.put(name, value);
    return this;
  }

  /** Sets an array of values of the kinds this class holds (null writes JSON null). */
  public JsonObject put(String name, List<?> value) {
    properties.put(name, value);
    return this;
  }

  /** Sets a property to JSON null. */
  public JsonObject putNull(String name) {
    properties.put(name, null);
    return this;
  }

  /** Sets and returns a new empty nested object. */
  public JsonObject putObject(String name) {
    JsonObject nested = new JsonObject();
    properties.put(name, nested);
    return nested;
  }

  /** Properties in the same order with equal values. */
  @Override
  public boolean equals(Object other) {
    return other instanceof JsonObject o && properties.equals(o.properties);
  }

  @Override
  public int hashCode() {
    return properties.hashCode();
  }

  /** The compact JSON text. */
  @Override
  public String toString() {
    return Json.write(this);
  }

  void set(String name, Object value) {
    properties.put(name, value);
  }
}
