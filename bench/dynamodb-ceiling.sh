#!/usr/bin/env bash
# The ceiling the local DynamoDB engine (dynalite, in memory, in its own Node.js process) puts on the
# local runner: GetItems per second at 16 concurrent clients (SDK v2 with the URLConnection client,
# as the functions use), on this machine. Every GET /profiles/{userId} costs two GetItems, so half this figure bounds
# bench/runner-load.sh's 16-client throughput before any gateway or function work is counted.
#
#   bench/dynamodb-ceiling.sh [SECONDS]     (default 20 s after a 20 s warm-up)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
case "$seconds" in ''|*[!0-9]*) echo "usage: bench/dynamodb-ceiling.sh [SECONDS]" >&2; exit 2;; esac
if [ ! -f benchmarks/target/harness.classpath ] || [ ! -f benchmarks/target/classes/dev/whereabouts/bench/DynamoDbCeiling.class ] \
   || [ ! -f profile-service/target/profile-service.jar ]; then
  echo "building (mvn -B -q package -DskipTests)…" >&2
  mvn -B -q package -DskipTests -Dspotless.check.skip=true >&2
fi
harness="benchmarks/target/classes:$(cat benchmarks/target/harness.classpath):profile-service/target/profile-service.jar"
. bench/engine.sh
start_engine
trap 'kill "$engine_pid" 2>/dev/null || true' EXIT
ddb=$dynalite_pid
java -cp "$harness" dev.whereabouts.bench.CreateTables "$endpoint" profiles=userId
java -cp "$harness" dev.whereabouts.bench.SeedProfile "$endpoint" profiles bench-seed
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
java -cp "$harness" dev.whereabouts.bench.DynamoDbCeiling "$endpoint" profiles userId 16 "$seconds" 20 &
client=$!
sleep 21
s0=$(cpu $ddb); c0=$(cpu $client); t0=$(date +%s%N)
sleep $(( seconds - 2 ))
s1=$(cpu $ddb); c1=$(cpu $client); t1=$(date +%s%N)
wait $client
ticks=$(getconf CLK_TCK)
awk -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v t=$((t1 - t0)) -v hz="$ticks" 'BEGIN {
  printf "CPU while measured: the engine (dynalite) %.0f %%, the 16 SDK clients %.0f %% (of %d %% on this machine)\n",
    s / hz * 1e11 / t, c / hz * 1e11 / t, 100 * '"$(nproc)"' }'
