package dev.whereabouts.profile;

import java.nio.charset.StandardCharsets;

/**
 * The public read's weak {@code ETag}, {@code W/"<16 hex digits>"}: a 64-bit FNV-1a hash of the
 * whole merged body, so it changes when the profile or the location changes. Weak, because the body
 * merges two items and is never a version a write could name in {@code If-Match}.
 */
final class WeakETag {
  private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private WeakETag() {}

  /** The tag of a body. */
  static String of(String body) {
    long hash = OFFSET_BASIS;
    for (byte b : body.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= PRIME;
    }
    String hex = Long.toHexString(hash);
    return "W/\"" + "0".repeat(16 - hex.length()) + hex + "\"";
  }

  /**
   * Whether an {@code If-None-Match} value names the tag, by weak comparison (RFC 9110: opaque tags
   * equal, {@code W/} ignored), or is {@code *}.
   */
  static boolean matches(String ifNoneMatch, String tag) {
    String opaque = opaque(tag);
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || opaque(c).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
