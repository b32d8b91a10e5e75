package dev.whereabouts.shared.store;

import dev.whereabouts.shared.json.Timestamps;
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

  /** {@link Precondition#never()}: a condition DynamoDB evaluates and no item can meet. */
  private static final String NEVER = "attribute_exists(#k) AND attribute_not_exists(#k)";

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

  /** The stored item, read consistently. */
  public Optional<Map<String, AttributeValue>> get(String key) {
    return read(key, true);
  }

  /**
   * The stored item, read eventually consistently: half the read units of {@link #get}, and it may
   * miss a write from the last second or so (DynamoDB: "usually within one second"). Only for reads
   * whose answer may lag by a stated bound, such as the public profile read (at most 10 s).
   */
  public Optional<Map<String, AttributeValue>> getEventuallyConsistent(String key) {
    return read(key, false);
  }

  private Optional<Map<String, AttributeValue>> read(String key, boolean consistent) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                GetItemRequest.builder()
                    .tableName(table)
                    .key(key(key))
                    .consistentRead(consistent)
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
      case NEVER -> {
        names.put("#k", keyName);
        request.conditionExpression(NEVER);
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
      case NEVER ->
          request.conditionExpression(NEVER).expressionAttributeNames(Map.of("#k", keyName));
    }
    try {
      dynamoDb.deleteItem(request.build());
    } catch (ConditionalCheckFailedException e) {
      throw conflict(key, precondition);
    }
  }

  private static VersionConflict conflict(String key, Precondition precondition) {
    return new VersionConflict(
        switch (precondition.kind()) {
          case VERSION ->
              "'"
                  + key
                  + "' is not at version "
                  + precondition.version()
                  + "; nothing was written.";
          case NEVER -> "The write to '" + key + "' could never apply; nothing was written.";
          case NONE, EXISTS -> "Nothing is stored for '" + key + "'; nothing was written.";
        });
  }

  private Map<String, AttributeValue> key(String key) {
    return Map.of(keyName, AttributeValue.fromS(key));
  }
}
