package dev.whereabouts.shared.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.whereabouts.shared.problem.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonMediaTypeTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\"",
        "application/json; foo=bar; charset=utf-8"
      })
  void jsonInUtf8IsAccepted(String contentType) {
    assertDoesNotThrow(() -> JsonMediaType.require(contentType));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "text/plain",
        "application/jsonx",
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16",
        "application/json; charset=utf-8; charset=latin1",
        "application/json; charset=latin1; charset=utf-8",
        "application/json; charset=utf-8; charset=utf-8",
        "application/json; charset",
        "application/json, text/plain"
      })
  void anythingElseIs415(String contentType) {
    assertEquals(
        415, assertThrows(Problem.class, () -> JsonMediaType.require(contentType)).status());
  }
}
