package dev.whereabouts.runner.template;

import dev.whereabouts.runner.dynamodb.TableSpec;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.gateway.GatewayResponses;
import dev.whereabouts.runner.gateway.Policy;
import dev.whereabouts.runner.gateway.Throttle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the runner starts, as read from template.yaml: nothing here is written in code.
 *
 * @param stage the API stage
 * @param region the region the functions are told they run in
 * @param functions the Lambda functions
 * @param routes the API's methods
 * @param tables the DynamoDB tables
 * @param gatewayResponses gateway response type → template
 * @param stageThrottle the stage's default throttle
 * @param invokePolicies function logical id → the statements of its role that grant {@code
 *     execute-api:Invoke} (for {@code AWS_IAM} routes)
 * @param dataPolicies function logical id → the statements of its role that grant {@code
 *     dynamodb:*} actions (what the signing relay lets it do on real tables)
 * @param corsHeaders the API's {@code Cors} as preflight response headers (empty: no CORS)
 * @param monitoring the {@code AWS::CloudWatch::*} resources (alarms, composite alarms,
 *     dashboards), their properties resolved
 */
public record Suite(
    String stage,
    String region,
    List<Function> functions,
    List<ApiRoute> routes,
    List<TableSpec> tables,
    Map<String, GatewayResponses.Template> gatewayResponses,
    Optional<Throttle.Limits> stageThrottle,
    Map<String, Policy> invokePolicies,
    Map<String, Policy> dataPolicies,
    Map<String, String> corsHeaders,
    List<Resource> monitoring) {

  /** The account id in local ARNs. */
  public static final String ACCOUNT_ID = "000000000000";

  /** The API id in local ARNs and request contexts. */
  public static final String API_ID = "local";

  /** A resource as declared, its intrinsic functions resolved. */
  public record Resource(String logicalId, String type, Map<String, Object> properties) {}

  /**
   * A function as declared.
   *
   * @param logicalId its logical id
   * @param jar its CodeUri, resolved against the template's folder
   * @param module the Maven module that builds the jar (the CodeUri's first folder)
   * @param handler {@code Class::method}
   * @param timeout its Timeout
   * @param memoryMb its MemorySize
   * @param environment its variables, references resolved to local names
   */
  public record Function(
      String logicalId,
      Path jar,
      String module,
      String handler,
      Duration timeout,
      int memoryMb,
      Map<String, String> environment) {}
}
