package dev.whereabouts.location;

import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;

/** A location as stored: whose, where, when and at which version. */
public record StoredLocation(String userId, Location location, String updatedAt, long version) {
  /** The API representation. */
  public JsonObject toJson() {
    JsonObject json = Json.object();
    json.put("userId", userId);
    json.put("latitude", location.latitude());
    json.put("longitude", location.longitude());
    json.put("name", location.name().orElse(null));
    json.put("updatedAt", updatedAt);
    json.put("version", version);
    return json;
  }
}
