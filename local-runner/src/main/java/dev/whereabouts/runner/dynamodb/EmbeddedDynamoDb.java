package dev.whereabouts.runner.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB Local in the runner's process, listening on loopback only: in memory, or in {@code
 * dataDir} so data survives restarts. One shared database for every caller, as one AWS account and
 * region would be.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
  /**
   * sqlite4java warns about its jar version at start, which tells a user nothing. Held here because
   * java.util.logging keeps loggers only weakly: a dropped one forgets its level.
   */
  private static final java.util.logging.Logger SQLITE_LOG =
      java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

  private final DynamoDBProxyServer server;
  private final URI endpoint;
  private final DynamoDbClient client;
  private final Optional<Path> dataDir;

  private EmbeddedDynamoDb(
      DynamoDBProxyServer server, int port, String region, Optional<Path> dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.client =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("runner", "runner")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /**
   * Starts DynamoDB Local.
   *
   * @param dataDir where to keep data, or empty for in-memory
   */
  public static EmbeddedDynamoDb start(Optional<Path> dataDir, String region) throws Exception {
    int port = freeLoopbackPort();
    List<String> args =
        new ArrayList<>(List.of("-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)));
    if (dataDir.isPresent()) {
      Files.createDirectories(dataDir.get());
      args.addAll(List.of("-dbPath", dataDir.get().toAbsolutePath().toString()));
    } else {
      args.add("-inMemory");
    }
    // DynamoDB Local prints an eight-line banner on System.out; the runner says it in one line.
    PrintStream console = System.out;
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    System.setOut(new PrintStream(banner, true, StandardCharsets.UTF_8));
    try {
      DynamoDBProxyServer server =
          ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
      // After DynamoDB Local's own set-up, which resets java.util.logging's levels.
      SQLITE_LOG.setLevel(java.util.logging.Level.OFF);
      bindToLoopback(server);
      server.start();
      return new EmbeddedDynamoDb(server, port, region, dataDir);
    } catch (Exception e) {
      console.print(banner.toString(StandardCharsets.UTF_8));
      throw e;
    } finally {
      System.setOut(console);
    }
  }

  /** One line for the operator: where it listens and where its data lives. */
  public String describe() {
    return "DynamoDB Local on "
        + endpoint
        + dataDir.map(d -> ", data in " + d.toAbsolutePath()).orElse(", in memory");
  }

  /**
   * DynamoDB Local's Jetty listens on every interface; its connector is told to listen on loopback
   * only before it starts. DynamoDB Local offers no option for this, hence reflection.
   */
  private static void bindToLoopback(DynamoDBProxyServer proxy)
      throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector sc) {
        sc.setHost("127.0.0.1");
      }
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint functions get as {@code AWS_ENDPOINT_URL_DYNAMODB}. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Creates a table unless it exists already (a kept data directory).
   *
   * @return whether it was created now
   */
  public boolean createTable(TableSpec table) {
    try {
      client.createTable(
          t ->
              t.tableName(table.name())
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      a ->
                          a.attributeName(table.hashKey())
                              .attributeType(ScalarAttributeType.fromValue(table.hashKeyType())))
                  .keySchema(k -> k.attributeName(table.hashKey()).keyType(KeyType.HASH)));
    } catch (ResourceInUseException exists) {
      return false;
    }
    table
        .ttlAttribute()
        .ifPresent(
            ttl ->
                client.updateTimeToLive(
                    u ->
                        u.tableName(table.name())
                            .timeToLiveSpecification(s -> s.attributeName(ttl).enabled(true))));
    return true;
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.stop();
  }
}
