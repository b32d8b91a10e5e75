package dev.whereabouts.runner.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private static ApiRoute route(String method, String resource) {
    return new ApiRoute(
        method, resource, "Fn", new ApiRoute.NoAuth(), Optional.empty(), Optional.empty());
  }

  private final RouteTable table =
      new RouteTable(
          List.of(
              route("DELETE", "/auth/tokens/{id}"),
              route("DELETE", "/auth/tokens/current"),
              route("GET", "/profiles/{userId}")));

  @Test
  void literalSegmentsBeatParameters() {
    assertEquals(
        "/auth/tokens/current",
        table.find("DELETE", "/auth/tokens/current").orElseThrow().route().resource());
  }

  @Test
  void parametersAreBound() {
    assertEquals(
        Map.of("userId", "anna"),
        table.find("GET", "/profiles/anna").orElseThrow().pathParameters());
  }

  @Test
  void unknownPathsAndMethodsHaveNoRoute() {
    assertTrue(table.find("POST", "/profiles/anna").isEmpty());
    assertTrue(table.find("GET", "/profiles/anna/extra").isEmpty());
    assertTrue(table.find("GET", "/profiles/").isEmpty());
  }
}
