package dev.whereabouts.profile;

import dev.whereabouts.shared.json.Json;
import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.json.Timestamps;
import java.io.IOException;
import java.time.DateTimeException;
import java.util.Optional;

/**
 * Reads the location service's {@code 200} body; anything not shaped like a location is refused.
 */
final class LocationAnswer {
  private LocationAnswer() {}

  /** The location in {@code body} for {@code userId}, or why it is unusable. */
  static LocationClient.Result read(byte[] body, String userId) {
    Object parsed;
    try {
      parsed = Json.read(body);
    } catch (IOException e) {
      return new LocationClient.Unavailable("unparsable response body");
    }
    if (!(parsed instanceof JsonObject node)) {
      return new LocationClient.Unavailable("response body is not a JSON object");
    }
    Object owner = node.get("userId");
    if (node.has("userId") && !userId.equals(owner)) {
      return new LocationClient.Unavailable("response body is for another user");
    }
    if (!(node.get("latitude") instanceof Number latitude)
        || !(Math.abs(latitude.doubleValue()) <= 90)
        || !(node.get("longitude") instanceof Number longitude)
        || !(Math.abs(longitude.doubleValue()) <= 180)
        || !(node.get("name") == null || node.get("name") instanceof String)
        || !(node.get("updatedAt") instanceof String updatedAt)
        || !isTimestamp(updatedAt)) {
      return new LocationClient.Unavailable("response body is not shaped like a location");
    }
    return new LocationClient.Found(
        latitude.doubleValue(),
        longitude.doubleValue(),
        Optional.ofNullable(node.text("name")),
        updatedAt);
  }

  private static boolean isTimestamp(String text) {
    try {
      Timestamps.parse(text);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
