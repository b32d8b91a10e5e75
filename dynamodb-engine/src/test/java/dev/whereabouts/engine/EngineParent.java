package dev.whereabouts.engine;

/**
 * A JVM that starts an engine, prints the engine's process id and waits: the parent that {@link
 * DynamoDbEngineTest} kills in every way a runner can end.
 */
public final class EngineParent {
  private EngineParent() {}

  public static void main(String[] args) throws InterruptedException {
    DynamoDbEngine engine = DynamoDbEngine.startInMemory();
    System.out.println("engine-pid " + engine.pid());
    System.out.flush();
    if (args.length > 0 && args[0].equals("crash")) {
      Runtime.getRuntime().halt(3); // no shutdown hooks: as a JVM crash ends
    }
    Thread.sleep(120_000);
  }
}
