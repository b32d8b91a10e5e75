package dev.whereabouts.shared.store;

/**
 * What a conditional write expects of the stored item: nothing, that it exists ({@code If-Match:
 * *}), or that it is at one exact version ({@code If-Match: "7"}).
 */
public record Precondition(Kind kind, long version) {
  /** The kinds of expectation. */
  public enum Kind {
    NONE,
    EXISTS,
    VERSION
  }

  private static final Precondition NONE = new Precondition(Kind.NONE, 0);
  private static final Precondition EXISTS = new Precondition(Kind.EXISTS, 0);

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

  /** The item must exist at exactly this version. */
  public static Precondition version(long version) {
    return new Precondition(Kind.VERSION, version);
  }
}
