package dev.whereabouts.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.whereabouts.shared.testing.LocalDynamoDb;
import dev.whereabouts.shared.testing.PrimingRuns;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {
  @Test
  void primingWritesNothingCallsNoLocationServiceAndLogsOnlyThatItRan() throws Exception {
    String table = LocalDynamoDb.createTable("profiles", Profiles.KEY, null);
    try (ServerSocket locationService = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ProfileHandler handler =
          new ProfileHandler(
              LocalDynamoDb.environment(
                  Map.of(
                      "TABLE_NAME",
                      table,
                      "LOCATION_API_URL",
                      "http://127.0.0.1:" + locationService.getLocalPort() + "/prod")));

      PrimingRuns.runQuietly(handler.priming());

      // The signed call is prepared up to the socket and never sent.
      locationService.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, locationService::accept);
    }
    assertEquals(0, LocalDynamoDb.client().scan(s -> s.tableName(table)).count());
  }
}
