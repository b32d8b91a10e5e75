package dev.whereabouts.runner.dynamodb;

import dev.whereabouts.engine.EngineException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The suite's DynamoDB, one of three: the runner's own engine (dynalite, started early by the
 * runner), an emulator the user runs ({@code --dynamodb-endpoint http://…}), or real tables ({@code
 * --dynamodb-endpoint https://dynamodb.REGION.amazonaws.com}) reached through a relay that signs
 * the functions' calls again with the user's credentials. It creates the template's missing tables
 * and, except on AWS, deletes expired items as DynamoDB's TTL does.
 */
public final class Storage implements AutoCloseable {
  private final URI endpoint;
  private final Tables tables;
  private final Optional<RestartableEngine> engine;
  private final Optional<SigningRelay> relay;
  private TtlSweeper ttlSweeper;

  private Storage(
      URI endpoint,
      Tables tables,
      Optional<RestartableEngine> engine,
      Optional<SigningRelay> relay) {
    this.endpoint = endpoint;
    this.tables = tables;
    this.engine = engine;
    this.relay = relay;
  }

  /**
   * Takes the user's DynamoDB, or the runner's own engine once it has started, creates the
   * template's missing tables and starts deleting expired items every {@code ttlInterval}.
   *
   * @param yours {@code --dynamodb-endpoint}, if given
   * @param ownEngine the runner's engine as it starts, when {@code yours} is empty
   * @param log one line per step for the console
   * @throws IllegalStateException with a one-line reason for the user
   */
  public static Storage start(
      Optional<URI> yours,
      CompletableFuture<RestartableEngine> ownEngine,
      String region,
      List<TableSpec> specs,
      Duration ttlInterval,
      java.util.function.Supplier<SigningRelay.Grants> grants,
      Consumer<String> log) {
    boolean aws = yours.map(Storage::isAwsEndpoint).orElse(false);
    Storage storage;
    if (aws) {
      storage = relayTo(yours.get(), region, grants, log);
    } else if (yours.isPresent()) {
      storage =
          new Storage(
              yours.get(),
              new Tables(yours.get(), region, Clock.systemUTC()),
              Optional.empty(),
              Optional.empty());
      log.accept("DynamoDB engine: yours, at " + yours.get());
    } else {
      RestartableEngine engine;
      try {
        engine = ownEngine.join();
      } catch (CompletionException e) {
        throw new IllegalStateException(
            e.getCause() instanceof EngineException failed ? failed.getMessage() : e.getMessage());
      }
      storage =
          new Storage(
              engine.endpoint(),
              new Tables(engine.endpoint(), region, Clock.systemUTC()),
              Optional.of(engine),
              Optional.empty());
      log.accept(engine.describe());
    }
    try {
      for (TableSpec table : specs) {
        boolean created;
        try {
          created = storage.tables.createIfMissing(table);
          if (created && aws && table.ttlAttribute().isPresent()) {
            storage.tables.enableTtl(table);
          }
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              "cannot create table "
                  + table.name()
                  + " at "
                  + yours.orElse(storage.endpoint)
                  + ": "
                  + e.getMessage());
        }
        log.accept("table " + table.name() + (created ? " created" : " exists, kept"));
      }
      if (!aws) { // DynamoDB deletes expired items itself
        storage.sweep(specs, ttlInterval, log);
      }
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    return storage;
  }

  private void sweep(List<TableSpec> specs, Duration interval, Consumer<String> log) {
    ttlSweeper = new TtlSweeper(tables, specs, log);
    if (!ttlSweeper.tables().isEmpty()) {
      ttlSweeper.start(interval);
      log.accept(
          "TTL: expired items of "
              + String.join(", ", ttlSweeper.tables().stream().map(TableSpec::name).toList())
              + " are deleted every "
              + interval.toSeconds()
              + " s");
    }
  }

  /** {@code dynamodb.REGION.amazonaws.com} and the like: real tables that check signatures. */
  public static boolean isAwsEndpoint(URI endpoint) {
    String host = endpoint.getHost().toLowerCase(Locale.ROOT);
    return host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn");
  }

  /**
   * Real DynamoDB: the runner uses the caller's AWS credentials, and the functions, which keep
   * their local credentials for the gateway's SigV4 checks, go through a relay that signs again.
   */
  private static Storage relayTo(
      URI aws,
      String fallbackRegion,
      java.util.function.Supplier<SigningRelay.Grants> grants,
      Consumer<String> log) {
    String region = signingRegion(aws, fallbackRegion);
    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    try {
      credentials.resolveCredentials();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "no AWS credentials for "
              + aws
              + ": set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ("
              + e.getMessage()
              + ")");
    }
    SigningRelay relay = new SigningRelay(aws, credentials, region, grants);
    Tables tables =
        new Tables(
            DynamoDbClient.builder()
                .endpointOverride(aws)
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build(),
            Clock.systemUTC());
    log.accept(
        "DynamoDB: yours, at "
            + aws
            + " ("
            + region
            + "); the functions' calls are signed again with your AWS credentials, each only"
            + " for what its role in the template grants");
    return new Storage(aws, tables, Optional.empty(), Optional.of(relay));
  }

  private static String signingRegion(URI endpoint, String fallback) {
    String[] labels = endpoint.getHost().split("\\.");
    return labels.length >= 4 && labels[0].startsWith("dynamodb") ? labels[1] : fallback;
  }

  /** Where the functions' DynamoDB calls go (behind the runner's tap). */
  public URI endpoint() {
    return endpoint;
  }

  /** How the tap sends the functions' calls on: as they are, or signed again for AWS. */
  public DynamoDbTap.Upstream upstream() {
    return relay.<DynamoDbTap.Upstream>map(r -> r).orElseGet(() -> DynamoDbTap.engine(endpoint));
  }

  /** The runner's own engine, which faults may kill and restart; empty for the user's. */
  public Optional<RestartableEngine> engine() {
    return engine;
  }

  /** The TTL sweeper, or null on AWS. */
  public TtlSweeper ttlSweeper() {
    return ttlSweeper;
  }

  /** Creates a table a reloaded template added; true when it was missing. */
  public boolean createIfMissing(TableSpec table) {
    return tables.createIfMissing(table);
  }

  @Override
  public void close() {
    if (ttlSweeper != null) {
      ttlSweeper.close();
    }
    tables.close();
    engine.ifPresent(RestartableEngine::close);
  }
}
