package dev.whereabouts.runner.lambda;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the runner needs to run one function, taken from template.yaml.
 *
 * @param name the function's logical id (also its name locally)
 * @param jar the shaded jar (CodeUri)
 * @param handler {@code package.Class::method} or {@code package.Class}
 * @param timeout the function's Timeout
 * @param memoryMb the function's MemorySize
 * @param environment the function's environment variables, as Lambda would set them
 */
public record FunctionConfig(
    String name,
    Path jar,
    String handler,
    Duration timeout,
    int memoryMb,
    Map<String, String> environment) {
  public FunctionConfig {
    environment = Map.copyOf(environment);
  }

  /** The handler class name. */
  public String handlerClass() {
    int sep = handler.indexOf("::");
    return sep < 0 ? handler : handler.substring(0, sep);
  }

  /** The handler method name ({@code handleRequest} when the handler names only a class). */
  public String handlerMethod() {
    int sep = handler.indexOf("::");
    return sep < 0 ? "handleRequest" : handler.substring(sep + 2);
  }
}
