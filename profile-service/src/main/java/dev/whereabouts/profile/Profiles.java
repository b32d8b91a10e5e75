package dev.whereabouts.profile;

import dev.whereabouts.shared.snapstart.Priming;
import dev.whereabouts.shared.store.Precondition;
import dev.whereabouts.shared.store.VersionedItems;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The profile table: one item per user, keyed by {@code userId}. Owns every call on it. */
public final class Profiles {
  /** The table's partition key. */
  public static final String KEY = "userId";

  private final VersionedItems items;

  public Profiles(DynamoDbClient dynamoDb, String table) {
    this.items = new VersionedItems(dynamoDb, table, KEY);
  }

  /**
   * Replaces the user's profile.
   *
   * @throws dev.whereabouts.shared.store.VersionConflict when the precondition fails
   */
  public StoredProfile put(String userId, Profile profile, Precondition precondition, Instant now) {
    return fromItem(items.replace(userId, attributes(profile), precondition, now));
  }

  /**
   * SnapStart priming: the read of a {@code GET} ({@link #get}) of a key no user has, the {@code
   * PUT}'s {@code UpdateItem} on that key under a condition DynamoDB refuses ({@link
   * VersionedItems#primeWrite}), and the stored profile a successful {@code PUT} returns, built
   * locally ({@link VersionedItems#primeStoredItem}); writes nothing.
   *
   * @return that profile
   */
  public StoredProfile prime() {
    Map<String, AttributeValue> attributes =
        attributes(new Profile("Priming", Optional.of("Priming")));
    Instant now = Instant.now();
    get(Priming.ABSENT_KEY);
    items.primeWrite(attributes, now);
    return fromItem(items.primeStoredItem(attributes, now));
  }

  private static Map<String, AttributeValue> attributes(Profile profile) {
    Map<String, AttributeValue> attributes = new HashMap<>();
    attributes.put("displayName", AttributeValue.fromS(profile.displayName()));
    attributes.put("bio", profile.bio().map(AttributeValue::fromS).orElse(null));
    return attributes;
  }

  /** The user's profile, if stored. */
  public Optional<StoredProfile> get(String userId) {
    return items.get(userId).map(Profiles::fromItem);
  }

  /**
   * Deletes the user's profile (nothing stored is fine without a precondition).
   *
   * @throws dev.whereabouts.shared.store.VersionConflict when the precondition fails
   */
  public void delete(String userId, Precondition precondition) {
    items.delete(userId, precondition);
  }

  private static StoredProfile fromItem(Map<String, AttributeValue> item) {
    return new StoredProfile(
        item.get(KEY).s(),
        new Profile(item.get("displayName").s(), VersionedItems.stringOf(item, "bio")),
        item.get(VersionedItems.UPDATED_AT).s(),
        VersionedItems.longOf(item, VersionedItems.VERSION));
  }
}
