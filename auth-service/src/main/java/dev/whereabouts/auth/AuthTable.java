package dev.whereabouts.auth;

import dev.whereabouts.shared.json.Timestamps;
import dev.whereabouts.shared.store.Attributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The auth table: one table, string partition key {@value #KEY}, two kinds of item. Owns every
 * DynamoDB call on it.
 *
 * <ul>
 *   <li>{@code user#<userId>}: userId, passwordHash (PHC), createdAt, failures, lockedUntil (epoch
 *       millis, optional), tokenGeneration (random, see {@link Account#tokenGeneration()}),
 *       version. Without passwordHash the item is a ghost: the failure record of an unregistered
 *       userId, deleted by TTL ({@value #TTL_ATTRIBUTE}).
 *   <li>{@code token#<SHA-256 of the token, base64url>}: userId, tokenGeneration (the account's
 *       when issued), issuedAt, expiresAt (TTL), version. The token itself is never stored.
 * </ul>
 *
 * <p>Every write is conditional: user and ghost writes on the version they read, and on the kind of
 * item (a ghost write never lands on a user, so a registration racing a failed login is never given
 * a TTL; a user write never lands on a ghost).
 */
public final class AuthTable {
  /** The partition key. */
  public static final String KEY = "pk";

  /** The TTL attribute, in epoch seconds (tokens and ghosts). */
  public static final String TTL_ATTRIBUTE = "expiresAt";

  static final String USER_PREFIX = "user#";
  static final String TOKEN_PREFIX = "token#";

  static final String USER_ID = "userId";
  static final String PASSWORD_HASH = "passwordHash";
  static final String CREATED_AT = "createdAt";
  static final String FAILURES = "failures";
  static final String LOCKED_UNTIL = "lockedUntil";
  static final String ISSUED_AT = "issuedAt";
  static final String TOKEN_GENERATION = "tokenGeneration";
  static final String VERSION = "version";

  /**
   * A token as stored: whose it is, the account generation it was issued in (empty for tokens
   * issued before generations existed: never valid) and when it stops being valid (whole seconds).
   */
  public record StoredToken(String userId, Optional<String> generation, Instant expiresAt) {}

  private final DynamoDbClient dynamoDb;
  private final String table;

  public AuthTable(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  /** The user or ghost item of {@code userId}, read consistently. */
  public Optional<Account> account(String userId) {
    return get(USER_PREFIX + userId)
        .map(
            item ->
                new Account(
                    userId,
                    Attributes.string(item, PASSWORD_HASH),
                    Attributes.number(item, FAILURES).orElse(0L).intValue(),
                    Attributes.number(item, LOCKED_UNTIL).map(Instant::ofEpochMilli),
                    Attributes.number(item, TTL_ATTRIBUTE).map(Instant::ofEpochSecond),
                    Attributes.number(item, VERSION).orElse(0L),
                    Attributes.string(item, TOKEN_GENERATION)));
  }

  /**
   * Stores a new user at version 1 with a fresh token generation, so no token issued to an earlier
   * account of the same userId is valid for it. Replaces a ghost of the same userId (its failures
   * and TTL go).
   *
   * @return false when a user with this userId exists; nothing was written
   */
  public boolean createUser(String userId, String passwordHash, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY, s(USER_PREFIX + userId));
    item.put(USER_ID, s(userId));
    item.put(PASSWORD_HASH, s(passwordHash));
    item.put(CREATED_AT, s(Timestamps.format(now)));
    item.put(FAILURES, n(0));
    item.put(TOKEN_GENERATION, s(Tokens.newGeneration()));
    item.put(VERSION, n(1));
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(table)
              .item(item)
              .conditionExpression("attribute_not_exists(#h)")
              .expressionAttributeNames(Map.of("#h", PASSWORD_HASH))
              .build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Writes an account's failures, lock, TTL (ghosts) and hash (users), if the stored item is still
   * at {@code account.version()} (nothing stored when 0) and still of the same kind.
   *
   * @return the account as stored (version + 1), or empty when the condition failed
   */
  public Optional<Account> write(Account account) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    names.put("#u", USER_ID);
    names.put("#f", FAILURES);
    names.put("#v", VERSION);
    names.put("#l", LOCKED_UNTIL);
    names.put("#e", TTL_ATTRIBUTE);
    values.put(":u", s(account.userId()));
    values.put(":f", n(account.failures()));
    values.put(":next", n(account.version() + 1));
    set.add("#u = :u");
    set.add("#f = :f");
    set.add("#v = :next");
    if (account.lockedUntil().isPresent()) {
      values.put(":l", n(account.lockedUntil().get().toEpochMilli()));
      set.add("#l = :l");
    } else {
      remove.add("#l");
    }

    String condition;
    if (account.registered()) {
      names.put("#h", PASSWORD_HASH);
      values.put(":h", s(account.passwordHash().get()));
      set.add("#h = :h");
      remove.add("#e");
      if (account.tokenGeneration().isPresent()) {
        names.put("#g", TOKEN_GENERATION);
        values.put(":g", s(account.tokenGeneration().get()));
        set.add("#g = :g");
      }
      condition = "#v = :expected AND attribute_exists(#h)";
    } else {
      Instant ttl =
          account
              .expiresAt()
              .orElseThrow(() -> new IllegalArgumentException("a ghost needs an expiry"));
      values.put(":e", n(ttl.getEpochSecond()));
      set.add("#e = :e");
      if (account.version() == 0) {
        names.put("#k", KEY);
        condition = "attribute_not_exists(#k)";
      } else {
        names.put("#h", PASSWORD_HASH);
        condition = "#v = :expected AND attribute_not_exists(#h)";
      }
    }
    if (condition.contains(":expected")) {
      values.put(":expected", n(account.version()));
    }
    String update =
        "SET "
            + String.join(", ", set)
            + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
    try {
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(table)
              .key(key(USER_PREFIX + account.userId()))
              .updateExpression(update)
              .conditionExpression(condition)
              .expressionAttributeNames(names)
              .expressionAttributeValues(values)
              .build());
    } catch (ConditionalCheckFailedException e) {
      return Optional.empty();
    }
    return Optional.of(
        new Account(
            account.userId(),
            account.passwordHash(),
            account.failures(),
            account.lockedUntil(),
            account.registered() ? Optional.empty() : account.expiresAt(),
            account.version() + 1,
            account.tokenGeneration()));
  }

  /**
   * Draws a new token generation for a registered user, so every token issued before is refused
   * from now on. Counts as a write of the user item (version + 1), so a login racing it re-reads.
   *
   * @return false when no user is registered under {@code userId} (nothing written)
   */
  public boolean renewTokenGeneration(String userId) {
    UpdateItemRequest renew =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(USER_PREFIX + userId))
            .updateExpression("SET #g = :g, #v = #v + :one")
            .conditionExpression("attribute_exists(#h)")
            .expressionAttributeNames(
                Map.of("#g", TOKEN_GENERATION, "#v", VERSION, "#h", PASSWORD_HASH))
            .expressionAttributeValues(Map.of(":g", s(Tokens.newGeneration()), ":one", n(1)))
            .build();
    try {
      dynamoDb.updateItem(renew);
    } catch (ConditionalCheckFailedException noSuchUser) {
      return false;
    }
    return true;
  }

  /**
   * Stores a token's hash for {@code userId} in the account's token {@code generation} until {@code
   * expiresAt} (rounded down to the second).
   */
  public void putToken(
      String tokenHash, String userId, String generation, Instant issuedAt, Instant expiresAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY, s(TOKEN_PREFIX + tokenHash));
    item.put(USER_ID, s(userId));
    item.put(TOKEN_GENERATION, s(generation));
    item.put(ISSUED_AT, s(Timestamps.format(issuedAt)));
    item.put(TTL_ATTRIBUTE, n(expiresAt.getEpochSecond()));
    item.put(VERSION, n(1));
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(table)
              .item(item)
              .conditionExpression("attribute_not_exists(#k)")
              .expressionAttributeNames(Map.of("#k", KEY))
              .build());
    } catch (ConditionalCheckFailedException e) {
      // 256 random bits do not collide; if they did, the caller must not get a shared token.
      throw new IllegalStateException("a new token's hash is already stored", e);
    }
  }

  /** The token stored under {@code tokenHash}, read consistently. */
  public Optional<StoredToken> token(String tokenHash) {
    return get(TOKEN_PREFIX + tokenHash)
        .flatMap(
            item -> {
              Optional<String> userId = Attributes.string(item, USER_ID);
              Optional<Long> expiresAt = Attributes.number(item, TTL_ATTRIBUTE);
              if (userId.isEmpty() || expiresAt.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(
                  new StoredToken(
                      userId.get(),
                      Attributes.string(item, TOKEN_GENERATION),
                      Instant.ofEpochSecond(expiresAt.get())));
            });
  }

  /**
   * Deletes the token stored under {@code tokenHash} unless it belongs to someone else.
   *
   * @return false when it belongs to another user (nothing deleted); true when deleted or absent
   */
  public boolean deleteToken(String tokenHash, String userId) {
    try {
      dynamoDb.deleteItem(
          DeleteItemRequest.builder()
              .tableName(table)
              .key(key(TOKEN_PREFIX + tokenHash))
              .conditionExpression("attribute_not_exists(#k) OR #u = :u")
              .expressionAttributeNames(Map.of("#k", KEY, "#u", USER_ID))
              .expressionAttributeValues(Map.of(":u", s(userId)))
              .build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private Optional<Map<String, AttributeValue>> get(String key) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                GetItemRequest.builder()
                    .tableName(table)
                    .key(key(key))
                    .consistentRead(true)
                    .build())
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private static Map<String, AttributeValue> key(String key) {
    return Map.of(KEY, s(key));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
