package dev.whereabouts.location;

import dev.whereabouts.shared.json.JsonObject;
import dev.whereabouts.shared.validation.Fields;
import java.util.Optional;
import java.util.Set;

/** A place a user says they are: a point and an optional name. */
public record Location(double latitude, double longitude, Optional<String> name) {
  private static final Set<String> PROPERTIES = Set.of("latitude", "longitude", "name");

  public Location {
    if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException("coordinates out of range");
    }
  }

  /**
   * Reads a {@code PUT} body.
   *
   * @throws dev.whereabouts.shared.problem.Problem 400 naming the offending field
   */
  public static Location parse(JsonObject body) {
    Fields fields = Fields.of(body, PROPERTIES);
    return new Location(
        fields.requiredNumber("latitude", -90, 90),
        fields.requiredNumber("longitude", -180, 180),
        fields.optionalText("name", 1, 100));
  }
}
