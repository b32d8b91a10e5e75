package dev.whereabouts.profile;

import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;

/** A profile as stored: whose, what, when and at which version. */
public record StoredProfile(String userId, Profile profile, String updatedAt, long version) {
  /** The API representation (without the location, which {@code GET} merges in). */
  public JsonObject toJson() {
    JsonObject json = Json.object();
    json.put("userId", userId);
    json.put("displayName", profile.displayName());
    json.put("bio", profile.bio().orElse(null));
    json.put("updatedAt", updatedAt);
    json.put("version", version);
    return json;
  }
}
