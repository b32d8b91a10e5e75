package dev.whereabouts.runner.dynamodb;

import java.util.Optional;

/**
 * A table as template.yaml declares it, reduced to what DynamoDB Local needs.
 *
 * @param logicalId the table's logical id (used as its name locally unless {@code name} is set)
 * @param name the physical table name the functions are given
 * @param hashKey the partition key attribute
 * @param hashKeyType {@code S}, {@code N} or {@code B}
 * @param ttlAttribute the TTL attribute, when enabled
 */
public record TableSpec(
    String logicalId,
    String name,
    String hashKey,
    String hashKeyType,
    Optional<String> ttlAttribute) {}
