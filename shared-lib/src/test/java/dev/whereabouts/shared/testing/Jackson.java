package dev.whereabouts.shared.testing;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * databind's mapper for tests that read responses and log lines as trees: an independent reader of
 * what the functions write with jackson-core alone.
 */
public final class Jackson {
  /**
   * Thread-safe. Refuses repeated properties and text after the value, so what the functions write
   * is checked to be one clean JSON value.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Jackson() {}
}
