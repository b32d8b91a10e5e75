package dev.whereabouts.location;

import dev.whereabouts.shared.store.Attributes;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.store.VersionedItems;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The location table: one item per user, keyed by {@code userId}. Owns every call on it. */
public final class Locations {
  /** The table's partition key. */
  public static final String KEY = "userId";

  private final VersionedItems items;

  public Locations(DynamoDbClient dynamoDb, String table) {
    this.items = new VersionedItems(dynamoDb, table, KEY);
  }

  /**
   * Replaces the user's location.
   *
   * @throws dev.whereabouts.shared.store.VersionConflict when the precondition fails
   */
  public StoredLocation put(
      String userId, Location location, Precondition precondition, Instant now) {
    return fromItem(items.replace(userId, attributes(location), precondition, now));
  }

  private static Map<String, AttributeValue> attributes(Location location) {
    Map<String, AttributeValue> attributes = new HashMap<>();
    attributes.put("latitude", number(location.latitude()));
    attributes.put("longitude", number(location.longitude()));
    attributes.put("name", location.name().map(AttributeValue::fromS).orElse(null));
    return attributes;
  }

  /**
   * The user's location, if stored, read eventually consistently: only the private {@code GET}
   * reads it, for the public profile, whose answer may lag a write by up to 10 s (half the read
   * units).
   */
  public Optional<StoredLocation> get(String userId) {
    return items.getEventuallyConsistent(userId).map(Locations::fromItem);
  }

  /**
   * Deletes the user's location (nothing stored is fine without a precondition).
   *
   * @throws dev.whereabouts.shared.store.VersionConflict when the precondition fails
   */
  public void delete(String userId, Precondition precondition) {
    items.delete(userId, precondition);
  }

  private static AttributeValue number(double value) {
    return AttributeValue.fromN(Double.toString(value));
  }

  private static StoredLocation fromItem(Map<String, AttributeValue> item) {
    return new StoredLocation(
        Attributes.requiredString(item, KEY),
        new Location(
            Attributes.requiredDecimal(item, "latitude"),
            Attributes.requiredDecimal(item, "longitude"),
            Attributes.string(item, "name")),
        Attributes.requiredString(item, VersionedItems.UPDATED_AT),
        Attributes.requiredNumber(item, VersionedItems.VERSION));
  }
}
