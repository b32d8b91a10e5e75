package dev.whereabouts.shared.store;

import dev.whereabouts.shared.json.Timestamps;
import dev.whereabouts.shared.snapstart.Priming;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A table of whole items, one per string key, each carrying an integer {@code version}.
 *
 * <p>A {@link #replace} is one {@code UpdateItem}: it sets every given attribute, removes the
 * absent ones, and increments the version atomically ({@code if_not_exists(version, 0) + 1}), so
 * concurrent writers each get their own version and none is lost; with a {@link Precondition} the
 * write happens only if the stored version is the expected one. No read-modify-write, no retries.
 */
public final class VersionedItems {
  /** The version attribute. */
  public static final String VERSION = "version";

  /** Set on create, kept on every replace. */
  public static final String CREATED_AT = "createdAt";

  /** Set on every replace. */
  public static final String UPDATED_AT = "updatedAt";

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final String keyName;

  /**
   * @param dynamoDb the client
   * @param table the table name
   * @param keyName the partition key attribute (a string)
   */
  public VersionedItems(DynamoDbClient dynamoDb, String table, String keyName) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.keyName = keyName;
  }

  /**
   * SnapStart priming: the read a request sends ({@link #get}), of a key no item has ({@link
   * Priming#ABSENT_KEY}).
   */
  public void prime() {
    get(Priming.ABSENT_KEY);
  }

  /**
   * SnapStart priming of the write path without a write: the {@code UpdateItem} that {@link
   * #replace} sends for these attributes, on {@link Priming#ABSENT_KEY}, under a condition no item
   * can meet ({@code attribute_exists(#k) AND attribute_not_exists(#k)}), so DynamoDB evaluates it
   * and answers {@code ConditionalCheckFailed}: the request's marshalling, signing and HTTP and the
   * error's unmarshalling run, and nothing is written (even if that key existed). Like every call
   * of a priming action, on a connection used once. A refused write still costs one write capacity
   * unit.
   *
   * @return true when DynamoDB refused the write as intended
   */
  public boolean primeWrite(Map<String, AttributeValue> attributes, Instant now) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    UpdateItemRequest.Builder request = update(Priming.ABSENT_KEY, attributes, now, names, values);
    names.put("#k", keyName);
    try {
      dynamoDb.updateItem(
          request
              .conditionExpression("attribute_exists(#k) AND attribute_not_exists(#k)")
              .expressionAttributeNames(names)
              .expressionAttributeValues(values)
              .build());
      return false;
    } catch (ConditionalCheckFailedException expected) {
      return true;
    }
  }

  /**
   * SnapStart priming of a write's success path, which a refused write ({@link #primeWrite}) cannot
   * reach: the item a {@link #replace} of these attributes at version 1 returns, built here through
   * the SDK's own response builder as its unmarshaller builds a {@code ALL_NEW} answer, so that the
   * response's classes are initialised and its attribute map copied in the snapshot. Nothing is
   * sent.
   */
  public Map<String, AttributeValue> primeStoredItem(
      Map<String, AttributeValue> attributes, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>();
    attributes.forEach(
        (name, value) -> {
          if (value != null) {
            item.put(name, value);
          }
        });
    item.put(keyName, AttributeValue.fromS(Priming.ABSENT_KEY));
    item.put(VERSION, AttributeValue.fromN("1"));
    item.put(CREATED_AT, AttributeValue.fromS(Timestamps.format(now)));
    item.put(UPDATED_AT, AttributeValue.fromS(Timestamps.format(now)));
    return UpdateItemResponse.builder().attributes(item).build().attributes();
  }

  /** The stored item, read consistently. */
  public Optional<Map<String, AttributeValue>> get(String key) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                GetItemRequest.builder()
                    .tableName(table)
                    .key(key(key))
                    .consistentRead(true)
                    .build())
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /**
   * Replaces the item's attributes: entries with a null value are removed, the others set. The
   * version rises by one (1 when the item is new); {@code createdAt} is kept, {@code updatedAt} set
   * to {@code now}.
   *
   * @return the item as stored after the write
   * @throws VersionConflict when the precondition does not hold; nothing was written
   */
  public Map<String, AttributeValue> replace(
      String key, Map<String, AttributeValue> attributes, Precondition precondition, Instant now) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    UpdateItemRequest.Builder request = update(key, attributes, now, names, values);
    switch (precondition.kind()) {
      case NONE -> {}
      case EXISTS -> {
        names.put("#k", keyName);
        request.conditionExpression("attribute_exists(#k)");
      }
      case VERSION -> {
        values.put(":expected", AttributeValue.fromN(Long.toString(precondition.version())));
        request.conditionExpression("#v = :expected");
      }
    }
    request.expressionAttributeNames(names).expressionAttributeValues(values);
    try {
      return dynamoDb.updateItem(request.build()).attributes();
    } catch (ConditionalCheckFailedException e) {
      throw conflict(key, precondition);
    }
  }

  /**
   * The {@code UpdateItem} of {@link #replace} without its condition: every given attribute set or
   * removed, the version incremented, {@code createdAt} kept, {@code updatedAt} set. Its names and
   * values are added to the given maps, which the caller completes and sets.
   */
  private UpdateItemRequest.Builder update(
      String key,
      Map<String, AttributeValue> attributes,
      Instant now,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    StringJoiner set = new StringJoiner(", ", "SET ", "");
    StringJoiner remove = new StringJoiner(", ", " REMOVE ", "").setEmptyValue("");
    int i = 0;
    for (Map.Entry<String, AttributeValue> a : new LinkedHashMap<>(attributes).entrySet()) {
      String name = "#a" + i;
      names.put(name, a.getKey());
      if (a.getValue() == null) {
        remove.add(name);
      } else {
        values.put(":a" + i, a.getValue());
        set.add(name + " = :a" + i);
      }
      i++;
    }
    names.put("#v", VERSION);
    names.put("#c", CREATED_AT);
    names.put("#u", UPDATED_AT);
    values.put(":zero", AttributeValue.fromN("0"));
    values.put(":one", AttributeValue.fromN("1"));
    values.put(":now", AttributeValue.fromS(Timestamps.format(now)));
    set.add("#v = if_not_exists(#v, :zero) + :one");
    set.add("#c = if_not_exists(#c, :now)");
    set.add("#u = :now");
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key(key))
        .updateExpression(set + remove.toString())
        .returnValues(ReturnValue.ALL_NEW);
  }

  /**
   * Deletes the item; deleting nothing is not an error unless a precondition is given.
   *
   * @throws VersionConflict when the precondition does not hold; nothing was deleted
   */
  public void delete(String key, Precondition precondition) {
    DeleteItemRequest.Builder request = DeleteItemRequest.builder().tableName(table).key(key(key));
    switch (precondition.kind()) {
      case NONE -> {}
      case EXISTS ->
          request
              .conditionExpression("attribute_exists(#k)")
              .expressionAttributeNames(Map.of("#k", keyName));
      case VERSION ->
          request
              .conditionExpression("#v = :expected")
              .expressionAttributeNames(Map.of("#v", VERSION))
              .expressionAttributeValues(
                  Map.of(":expected", AttributeValue.fromN(Long.toString(precondition.version()))));
    }
    try {
      dynamoDb.deleteItem(request.build());
    } catch (ConditionalCheckFailedException e) {
      throw conflict(key, precondition);
    }
  }

  private static VersionConflict conflict(String key, Precondition precondition) {
    return new VersionConflict(
        precondition.kind() == Precondition.Kind.VERSION
            ? "'" + key + "' is not at version " + precondition.version() + "; nothing was written."
            : "Nothing is stored for '" + key + "'; nothing was written.");
  }

  private Map<String, AttributeValue> key(String key) {
    return Map.of(keyName, AttributeValue.fromS(key));
  }

  /** Reads a number attribute as a long. */
  public static long longOf(Map<String, AttributeValue> item, String name) {
    return Long.parseLong(item.get(name).n());
  }

  /** Reads an optional string attribute. */
  public static Optional<String> stringOf(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
  }
}
