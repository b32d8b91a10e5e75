package dev.whereabouts.profile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.shared.json.Json;

/** A profile as stored: whose, what, when and at which version. */
public record StoredProfile(String userId, Profile profile, String updatedAt, long version) {
  /** The API representation (without the location, which {@code GET} merges in). */
  public ObjectNode toJson() {
    ObjectNode json = Json.object();
    json.put("userId", userId);
    json.put("displayName", profile.displayName());
    json.put("bio", profile.bio().orElse(null));
    json.put("updatedAt", updatedAt);
    json.put("version", version);
    return json;
  }
}
