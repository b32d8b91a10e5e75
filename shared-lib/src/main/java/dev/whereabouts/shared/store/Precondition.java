package dev.whereabouts.shared.store;

/**
 * What a conditional write expects of the stored item: nothing, that it exists ({@code If-Match:
 * *}), that it is at one exact version ({@code If-Match: "7"}), or the impossible ({@link
 * #never()}, which no client can send).
 */
public record Precondition(Kind kind, long version) {
  /** The kinds of expectation. */
  public enum Kind {
    NONE,
    EXISTS,
    VERSION,
    NEVER
  }

  private static final Precondition NONE = new Precondition(Kind.NONE, 0);
  private static final Precondition EXISTS = new Precondition(Kind.EXISTS, 0);
  private static final Precondition NEVER = new Precondition(Kind.NEVER, 0);

  public Precondition {
    if (kind == Kind.VERSION && version < 1) {
      throw new IllegalArgumentException("versions start at 1, got " + version);
    }
  }

  /** No expectation: the write applies to whatever is stored. */
  public static Precondition none() {
    return NONE;
  }

  /** The item must exist, at any version. */
  public static Precondition exists() {
    return EXISTS;
  }

  /**
   * A condition no item meets: the write is sent, evaluated by DynamoDB and refused as a {@link
   * VersionConflict}, and nothing is written, whatever is stored. Costs one write capacity unit.
   * For exercising a write's whole path without writing (SnapStart priming).
   */
  public static Precondition never() {
    return NEVER;
  }

  /** The item must exist at exactly this version. */
  public static Precondition version(long version) {
    return new Precondition(Kind.VERSION, version);
  }
}
