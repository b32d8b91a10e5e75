package dev.whereabouts.runner;

import java.util.List;

/** The ready-to-paste session of API.md, printed at start. */
final class CurlSession {
  private CurlSession() {}

  static List<String> lines(String base) {
    String json = "-H 'Content-Type: application/json'";
    return List.of(
        "curl -s -X POST "
            + base
            + "/auth/users "
            + json
            + " -d '{\"userId\":\"michael\",\"password\":\"correct horse battery\"}'",
        "TOKEN=$(curl -s -X POST "
            + base
            + "/auth/tokens "
            + json
            + " -d '{\"userId\":\"michael\",\"password\":\"correct horse battery\"}'"
            + " | sed -E 's/.*\"accessToken\":\"([^\"]+)\".*/\\1/')",
        "curl -s -X PUT "
            + base
            + "/profiles/michael -H \"Authorization: Bearer $TOKEN\" "
            + json
            + " -d '{\"displayName\":\"Michael\",\"bio\":\"AWS in Action\"}'",
        "curl -s -X PUT "
            + base
            + "/locations/michael -H \"Authorization: Bearer $TOKEN\" "
            + json
            + " -d '{\"latitude\":48.137,\"longitude\":11.575,\"name\":\"Munich\"}'",
        "curl -s " + base + "/profiles/michael",
        "curl -s -X DELETE "
            + base
            + "/auth/tokens/current -H \"Authorization: Bearer $TOKEN\" -w '%{http_code}\\n'",
        "curl -s " + base + "/_local/metrics");
  }
}
