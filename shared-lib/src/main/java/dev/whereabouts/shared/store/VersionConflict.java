package dev.whereabouts.shared.store;

/** A conditional write found the item missing or at another version; nothing was written. */
public final class VersionConflict extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VersionConflict(String message) {
    super(message, null, false, false);
  }
}
