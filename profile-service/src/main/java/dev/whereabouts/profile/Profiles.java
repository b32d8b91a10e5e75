package dev.whereabouts.profile;

import dev.whereabouts.shared.store.Attributes;
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

  private static Map<String, AttributeValue> attributes(Profile profile) {
    Map<String, AttributeValue> attributes = new HashMap<>();
    attributes.put("displayName", AttributeValue.fromS(profile.displayName()));
    attributes.put("bio", profile.bio().map(AttributeValue::fromS).orElse(null));
    return attributes;
  }

  /**
   * The user's profile, if stored, read eventually consistently: only the public {@code GET} reads
   * it, and the contract lets that answer lag a write by up to 10 s (half the read units).
   */
  public Optional<StoredProfile> get(String userId) {
    return items.getEventuallyConsistent(userId).map(Profiles::fromItem);
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
        Attributes.requiredString(item, KEY),
        new Profile(Attributes.requiredString(item, "displayName"), Attributes.string(item, "bio")),
        Attributes.requiredString(item, VersionedItems.UPDATED_AT),
        Attributes.requiredNumber(item, VersionedItems.VERSION));
  }
}
