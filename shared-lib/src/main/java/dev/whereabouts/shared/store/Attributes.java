package dev.whereabouts.shared.store;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading an item's attributes: the one set of readers every table class uses. */
public final class Attributes {
  private Attributes() {}

  /** A string attribute, if the item has it as a string. */
  public static Optional<String> string(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
  }

  /** A whole-number attribute, if the item has it as a number. */
  public static Optional<Long> number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? Optional.empty() : Optional.of(Long.parseLong(v.n()));
  }

  /** A decimal attribute, if the item has it as a number. */
  public static Optional<Double> decimal(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? Optional.empty() : Optional.of(Double.parseDouble(v.n()));
  }

  /**
   * A string attribute every item of the table has.
   *
   * @throws IllegalStateException naming the attribute when the item lacks it
   */
  public static String requiredString(Map<String, AttributeValue> item, String name) {
    return string(item, name).orElseThrow(() -> missing(name));
  }

  /**
   * A whole-number attribute every item of the table has.
   *
   * @throws IllegalStateException naming the attribute when the item lacks it
   */
  public static long requiredNumber(Map<String, AttributeValue> item, String name) {
    return number(item, name).orElseThrow(() -> missing(name));
  }

  /**
   * A decimal attribute every item of the table has.
   *
   * @throws IllegalStateException naming the attribute when the item lacks it
   */
  public static double requiredDecimal(Map<String, AttributeValue> item, String name) {
    return decimal(item, name).orElseThrow(() -> missing(name));
  }

  private static IllegalStateException missing(String name) {
    return new IllegalStateException("a stored item lacks its '" + name + "' attribute");
  }
}
