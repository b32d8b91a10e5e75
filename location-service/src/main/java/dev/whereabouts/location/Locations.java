package dev.whereabouts.location;

import dev.whereabouts.shared.snapstart.Priming;
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

  /**
   * SnapStart priming: the read of a {@code GET} ({@link #get}) of a key no user has, the {@code
   * PUT}'s {@code UpdateItem} on that key under a condition DynamoDB refuses ({@link
   * VersionedItems#primeWrite}), and the stored location a successful {@code PUT} returns, built
   * locally ({@link VersionedItems#primeStoredItem}); writes nothing.
   *
   * @return that location
   */
  public StoredLocation prime() {
    Map<String, AttributeValue> attributes =
        attributes(new Location(52.52, 13.405, Optional.of("Priming")));
    Instant now = Instant.now();
    get(Priming.ABSENT_KEY);
    items.primeWrite(attributes, now);
    return fromItem(items.primeStoredItem(attributes, now));
  }

  private static Map<String, AttributeValue> attributes(Location location) {
    Map<String, AttributeValue> attributes = new HashMap<>();
    attributes.put("latitude", number(location.latitude()));
    attributes.put("longitude", number(location.longitude()));
    attributes.put("name", location.name().map(AttributeValue::fromS).orElse(null));
    return attributes;
  }

  /** The user's location, if stored. */
  public Optional<StoredLocation> get(String userId) {
    return items.get(userId).map(Locations::fromItem);
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
        item.get(KEY).s(),
        new Location(
            Double.parseDouble(item.get("latitude").n()),
            Double.parseDouble(item.get("longitude").n()),
            VersionedItems.stringOf(item, "name")),
        item.get(VersionedItems.UPDATED_AT).s(),
        VersionedItems.longOf(item, VersionedItems.VERSION));
  }
}
