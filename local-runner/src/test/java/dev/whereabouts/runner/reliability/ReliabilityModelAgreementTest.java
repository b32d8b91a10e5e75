package dev.whereabouts.runner.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whereabouts.runner.LocalRunner;
import dev.whereabouts.runner.acceptance.SuiteUnderTest;
import dev.whereabouts.runner.gateway.ApiRoute;
import dev.whereabouts.runner.gateway.SchemaValidator;
import dev.whereabouts.runner.lambda.FunctionConfig;
import dev.whereabouts.runner.lambda.FunctionPool;
import dev.whereabouts.runner.lambda.Invocation;
import dev.whereabouts.runner.template.Suite;
import dev.whereabouts.runner.template.SuiteReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The gateway's request models and the functions' own validation agree on what they accept: for
 * generated bodies of every route with a model, the model's verdict ({@link SchemaValidator}, as
 * the local gateway applies it) equals the function's verdict when the function is invoked
 * directly, without the gateway in front. A body only one of them refuses is a client surprise (the
 * model stricter) or an unvalidated path into a function that trusts the model.
 */
class ReliabilityModelAgreementTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theGatewaysModelsAndTheFunctionsAgreeOnEveryGeneratedBody() throws Exception {
    LocalRunner runner = World.local("invokes the functions without the gateway");
    Size size = Size.current();
    Suite suite =
        SuiteReader.read(
            SuiteUnderTest.repositoryRoot().resolve("template.yaml"), Map.of(), World.REGION);
    World.User owner = World.register("agree");
    Fuzzer fuzzer = new Fuzzer(size.seed() + 7, owner.id(), owner.id(), "x", "x");
    Map<String, FunctionPool> pools = new LinkedHashMap<>();
    List<String> disagreements = new ArrayList<>();
    Map<String, int[]> verdicts = new TreeMap<>();
    int functionOnly = 0;
    int untypedOnly = 0;
    try {
      for (ApiRoute route : suite.routes()) {
        if (route.bodySchema().isEmpty()) {
          continue;
        }
        FunctionPool pool = pools.computeIfAbsent(route.function(), f -> pool(suite, runner, f));
        int[] tally = verdicts.computeIfAbsent(route.key(), k -> new int[4]);
        // Valid auth bodies cost a password hash each: fewer of them.
        int inputs =
            route.resource().startsWith("/auth")
                ? size.agreementInputs() / 8
                : size.agreementInputs();
        for (int i = 0; i < inputs; i++) {
          byte[] body = fuzzer.agreementBody(i, route.resource());
          JsonNode parsed;
          try {
            parsed = JSON.readTree(body);
          } catch (Exception notJson) {
            continue; // the gateway refuses it before any model; nothing to compare
          }
          if (parsed == null || parsed.isMissingNode()) {
            continue;
          }
          boolean modelAccepts =
              SchemaValidator.validate(route.bodySchema().get(), parsed).isEmpty();
          int status = invoke(pool, route, owner.id(), body);
          // The function's validation passed when it answers anything but 400, 413 or 415
          // (a 401 for a wrong password or a 409 for a taken userId judge the data, not its form).
          boolean functionAccepts = status != 400 && status != 413 && status != 415;
          tally[(modelAccepts ? 2 : 0) + (functionAccepts ? 1 : 0)]++;
          if (modelAccepts && !functionAccepts && controlCharacterInText(parsed)) {
            functionOnly++;
            continue;
          }
          if (modelAccepts && !functionAccepts && nonStringNullable(parsed)) {
            untypedOnly++;
            continue;
          }
          if (modelAccepts != functionAccepts && disagreements.size() < 20) {
            disagreements.add(
                route.key()
                    + ": the model "
                    + (modelAccepts ? "accepts" : "refuses")
                    + ", the function answers "
                    + status
                    + ": "
                    + abbreviate(new String(body, StandardCharsets.UTF_8)));
          }
        }
      }
    } finally {
      pools.values().forEach(FunctionPool::close);
    }
    StringBuilder summary = new StringBuilder("reliability model agreement:");
    verdicts.forEach(
        (route, t) ->
            summary.append(
                String.format(
                    " [%s: both refuse %d, both accept %d, only the model refuses %d, only the"
                        + " function refuses %d]",
                    route, t[0], t[3], t[1], t[2])));
    summary.append(
        " ["
            + functionOnly
            + " bodies with a control, bidi or invisible character in a text field: only the"
            + " function refuses them,"
            + " the models have no rule for it]"
            + " ["
            + untypedOnly
            + " bodies with a non-string name or bio: the models leave these nullable fields"
            + " untyped (see template.yaml), the function refuses them]");
    System.out.println(summary);
    for (int[] t : verdicts.values()) {
      assertTrue(t[0] > 0 && t[3] > 0, "the generator reaches both verdicts: " + summary);
    }
    assertEquals(List.of(), disagreements);
  }

  /**
   * API.md's text-field rules (no control characters but line feed and tab in {@code bio}; no
   * bidirectional formatting or invisible characters in {@code displayName} and {@code name}) are
   * checked by the functions only; the template's models do not express it, so on AWS such a body
   * passes the gateway and gets the function's 400. Counted apart, reported, not a failure.
   */
  private static boolean controlCharacterInText(JsonNode body) {
    if (!body.isObject()) {
      return false;
    }
    for (String field : new String[] {"displayName", "bio", "name"}) {
      JsonNode v = body.get(field);
      if (v != null && v.isTextual()) {
        String text = field.equals("bio") ? v.asText().replaceAll("[\\n\\t]", "") : v.asText();
        if (text.codePoints().anyMatch(c -> c <= 0x1F || (c >= 0x7F && c <= 0x9F))) {
          return true;
        }
        boolean display = !field.equals("bio");
        if (display
            && text.codePoints()
                .anyMatch(
                    c ->
                        (c >= 0x202A && c <= 0x202E)
                            || (c >= 0x2066 && c <= 0x2069)
                            || c == 0x200B
                            || c == 0x2060
                            || c == 0xFEFF)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code name} and {@code bio} may be a string or null; API Gateway's model import drops a type
   * list, so the template leaves them untyped and only the function checks their type.
   */
  private static boolean nonStringNullable(JsonNode body) {
    if (!body.isObject()) {
      return false;
    }
    for (String field : new String[] {"name", "bio"}) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull() && !v.isTextual()) {
        return true;
      }
    }
    return false;
  }

  private static FunctionPool pool(Suite suite, LocalRunner runner, String function) {
    Suite.Function f =
        suite.functions().stream()
            .filter(x -> x.logicalId().equals(function))
            .findFirst()
            .orElseThrow();
    Map.Entry<String, String> keys = runner.credentialsOf(function);
    Map<String, String> env = new LinkedHashMap<>(f.environment());
    env.put("AWS_REGION", World.REGION);
    env.put("AWS_DEFAULT_REGION", World.REGION);
    env.put("AWS_ACCESS_KEY_ID", keys.getKey());
    env.put("AWS_SECRET_ACCESS_KEY", keys.getValue());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", runner.dynamoDbEndpoint().toString());
    env.put("AWS_LAMBDA_FUNCTION_NAME", function);
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(f.memoryMb()));
    return new FunctionPool(
        new FunctionConfig(function, f.jar(), f.handler(), f.timeout(), f.memoryMb(), env),
        false,
        new FunctionPool.Listener() {
          @Override
          public void coldStart(String fn, int environment, double initMs) {}

          @Override
          public void reloaded(String fn) {}
        },
        Runnable::run);
  }

  /** The function's status for the body, invoked as the owner with a proxy event. */
  private static int invoke(FunctionPool pool, ApiRoute route, String owner, byte[] body)
      throws Exception {
    String requestId = UUID.randomUUID().toString();
    ObjectNode event = JSON.createObjectNode();
    event.put("resource", route.resource());
    event.put("path", route.resource().replace("{userId}", owner));
    event.put("httpMethod", route.method());
    event.putObject("headers").put("Content-Type", "application/json");
    if (route.resource().contains("{userId}")) {
      event.putObject("pathParameters").put("userId", owner);
    }
    ObjectNode context = event.putObject("requestContext");
    context.put("requestId", requestId);
    context.put("stage", "prod");
    context.put("apiId", Suite.API_ID);
    context.put("resourcePath", route.resource());
    context.put("httpMethod", route.method());
    context.putObject("identity").put("sourceIp", "127.0.0.1");
    context.putObject("authorizer").put("principalId", owner).put("userId", owner);
    event.put("body", new String(body, StandardCharsets.UTF_8));
    event.put("isBase64Encoded", false);
    Invocation invocation = pool.invoke(event.toString(), requestId);
    if (!(invocation instanceof Invocation.Returned returned)) {
      throw new AssertionError("the function did not return: " + invocation);
    }
    return JSON.readTree(returned.payload()).get("statusCode").asInt();
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
