package dev.whereabouts.runner.dynamodb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whereabouts.runner.cloudwatch.MetricKey;
import dev.whereabouts.runner.cloudwatch.MetricStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * What DynamoDB publishes to {@code AWS/DynamoDB} about the calls it serves, worked out from each
 * call's request and answer as {@link DynamoDbTap} relays them: the table a request names, whether
 * it asks for its consumed capacity (the tap asks for it when the function did not), and the
 * answer's error type and consumed capacity.
 */
final class DynamoDbMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> READS =
      Set.of("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems");
  private static final Set<String> CAPACITY =
      Set.of(
          "GetItem",
          "PutItem",
          "UpdateItem",
          "DeleteItem",
          "Query",
          "Scan",
          "BatchGetItem",
          "BatchWriteItem",
          "TransactGetItems",
          "TransactWriteItems");

  private final MetricStore store;

  DynamoDbMetrics(MetricStore store) {
    this.store = store;
  }

  /** Whether the tap should ask the engine for this call's consumed capacity. */
  static boolean needsCapacity(String operation, RequestFacts request) {
    return request.object && CAPACITY.contains(operation) && !request.asksCapacity;
  }

  /**
   * What the tap needs from a request, read with a streaming parser that skips items and attribute
   * values (the bulk of most requests) rather than building a tree.
   */
  static final class RequestFacts {
    boolean object;
    boolean empty = true;
    boolean asksCapacity;
    String table;

    static RequestFacts scan(byte[] body) {
      RequestFacts f = new RequestFacts();
      try (JsonParser p = JSON.getFactory().createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return f;
        }
        f.object = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          f.empty = false;
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "TableName" -> f.table = f.table == null ? p.getValueAsString() : f.table;
            case "ReturnConsumedCapacity" -> f.asksCapacity = true;
            case "RequestItems" -> {
              // Batch requests name their tables as the keys of RequestItems.
              if (value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  f.table = f.table == null ? p.currentName() : f.table;
                  p.nextToken();
                  p.skipChildren();
                }
              } else {
                p.skipChildren();
              }
            }
            case "TransactItems" -> {
              JsonNode items = p.readValueAsTree();
              for (JsonNode item : items) {
                var action = item.elements();
                if (f.table == null && action.hasNext()) {
                  f.table = action.next().path("TableName").asText(null);
                }
              }
            }
            default -> p.skipChildren();
          }
        }
      } catch (IOException e) {
        // Not JSON: forwarded as it is, the engine answers it.
      }
      return f;
    }
  }

  /** The request with {@code "ReturnConsumedCapacity":"TOTAL"} as its first member. */
  static byte[] withCapacity(byte[] body, boolean empty) {
    int brace = 0;
    while (brace < body.length && body[brace] != '{') {
      brace++;
    }
    byte[] member =
        ("\"ReturnConsumedCapacity\":\"TOTAL\"" + (empty ? "" : ","))
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + member.length];
    System.arraycopy(body, 0, out, 0, brace + 1);
    System.arraycopy(member, 0, out, brace + 1, member.length);
    System.arraycopy(body, brace + 1, out, brace + 1 + member.length, body.length - brace - 1);
    return out;
  }

  /** The answer's {@code __type} and {@code ConsumedCapacity}, other members skipped. */
  private static JsonNode[] answerFacts(byte[] body) {
    JsonNode type = null;
    JsonNode consumed = null;
    try (JsonParser p = JSON.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new JsonNode[] {null, null};
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("__type") || field.equals("ConsumedCapacity")) {
          JsonNode v = p.readValueAsTree();
          if (field.equals("__type")) {
            type = v;
          } else {
            consumed = v;
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // an answer that is not JSON carries no metrics
    }
    return new JsonNode[] {type, consumed};
  }

  /** Publishes what DynamoDB would for one relayed call and its answer. */
  void record(String table, String operation, int status, byte[] body, double ms) {
    if (table == null) {
      return;
    }
    if (status >= 500) {
      store.put(systemErrors(table, operation), 1);
      return;
    }
    JsonNode[] facts = answerFacts(body);
    if (status >= 400) {
      String type = facts[0] == null ? "" : facts[0].asText("");
      if (type.contains("ProvisionedThroughputExceeded") || type.contains("Throttling")) {
        throttled(table, operation);
      } else {
        store.put(MetricKey.of("AWS/DynamoDB", "UserErrors"), 1);
      }
      return;
    }
    store.put(
        MetricKey.of(
            "AWS/DynamoDB", "SuccessfulRequestLatency", "TableName", table, "Operation", operation),
        ms);
    JsonNode consumed = facts[1];
    if (consumed == null) {
      return;
    }
    for (JsonNode c : consumed.isArray() ? consumed : List.of(consumed)) {
      if (c.has("TableName") && c.has("CapacityUnits")) {
        store.put(
            MetricKey.of(
                "AWS/DynamoDB",
                READS.contains(operation)
                    ? "ConsumedReadCapacityUnits"
                    : "ConsumedWriteCapacityUnits",
                "TableName",
                c.path("TableName").asText()),
            c.path("CapacityUnits").asDouble());
      }
    }
  }

  /** Publishes a throttled call (an injected throttle, or the engine's own). */
  void throttled(String table, String operation) {
    store.put(
        MetricKey.of(
            "AWS/DynamoDB", "ThrottledRequests", "TableName", table, "Operation", operation),
        1);
    store.put(
        MetricKey.of(
            "AWS/DynamoDB",
            READS.contains(operation) ? "ReadThrottleEvents" : "WriteThrottleEvents",
            "TableName",
            table),
        1);
  }

  /** Publishes a call that failed inside DynamoDB (an injected 500). */
  void systemError(String table, String operation) {
    store.put(systemErrors(table, operation), 1);
  }

  private static MetricKey systemErrors(String table, String operation) {
    return MetricKey.of("AWS/DynamoDB", "SystemErrors", "TableName", table, "Operation", operation);
  }
}
