# Sourced by the bench scripts: starts the project's local DynamoDB engine (dynalite, through the
# same dynamodb-engine module the runner and the tests use) in memory, and sets
#   endpoint     its URL
#   engine_pid   the Java process that holds it (killing it, even with -9, ends the engine too)
#   dynalite_pid the engine's own node process, for CPU figures
# Needs benchmarks/target/harness.classpath (mvn -B -q package -DskipTests).
start_engine() {
  local out
  out=$(mktemp)
  java -cp "$(cat benchmarks/target/harness.classpath)" dev.whereabouts.engine.DynamoDbEngine >"$out" &
  engine_pid=$!
  for _ in $(seq 1 600); do
    [ -s "$out" ] && break
    kill -0 "$engine_pid" 2>/dev/null || { echo "the DynamoDB engine did not start" >&2; exit 1; }
    sleep 0.1
  done
  endpoint=$(head -n 1 "$out")
  rm -f "$out"
  dynalite_pid=$(pgrep -P "$engine_pid" -f engine.js | head -n 1)
}
