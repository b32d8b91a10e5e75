#!/usr/bin/env bash
# The local runner's performance, with public tools only (the JDK):
#   1. start to ready: wall time from `java -jar` to the first answered request;
#   2. per-request overhead of the runner: one client, GET /profiles/{id}; the client's latency
#      minus the handler's own duration as the runner measured it (GET /_local/metrics);
#   3. throughput and p50/p99 of GET /profiles/{id} (which calls the location service through the
#      runner, SigV4-signed) at 16 concurrent clients, with zero errors expected.
#
#   bench/runner-load.sh [SECONDS]     (default 20 s of load after a 5 s warm-up)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
case "$seconds" in ''|*[!0-9]*) echo "usage: bench/runner-load.sh [SECONDS]" >&2; exit 2;; esac
if [ ! -f local-runner/target/local-runner.jar ] || [ ! -f benchmarks/target/classes/dev/whereabouts/bench/LoadTest.class ]; then
  echo "building (mvn -B -q package -DskipTests)…" >&2
  mvn -B -q package -DskipTests -Dspotless.check.skip=true >&2
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 3999)
base="http://127.0.0.1:$port"
log=$(mktemp)
start=$(date +%s%N)
# The template's stage throttle (200 requests/s) would answer most of this load with 429, as API
# Gateway would; the benchmark measures the runner's capacity, so it lifts the limit.
java -jar local-runner/target/local-runner.jar --port "$port" --no-color \
  --parameter-overrides StageRateLimit=1000000 StageBurstLimit=1000000 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
until curl -s -o /dev/null "$base/_local/metrics"; do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.02
done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
echo "start to ready: ${ready} ms (runner's own figure: $(grep -o 'ready in [0-9]* ms' "$log"))"

user="bench-$RANDOM$RANDOM"
json='Content-Type: application/json'
curl -sf -X POST "$base/auth/users" -H "$json" -d "{\"userId\":\"$user\",\"password\":\"correct horse battery\"}" >/dev/null
token=$(curl -sf -X POST "$base/auth/tokens" -H "$json" -d "{\"userId\":\"$user\",\"password\":\"correct horse battery\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
curl -sf -X PUT "$base/profiles/$user" -H "Authorization: Bearer $token" -H "$json" -d '{"displayName":"Bench"}' >/dev/null
curl -sf -X PUT "$base/locations/$user" -H "Authorization: Bearer $token" -H "$json" -d '{"latitude":48.1,"longitude":11.5}' >/dev/null
curl -sf "$base/profiles/$user" | grep -q '"locationStatus":"ok"' || { echo "the profile does not show its location" >&2; exit 1; }

cp="benchmarks/target/classes"
echo "one client (overhead):"
java -cp "$cp" dev.whereabouts.bench.LoadTest "$base/profiles/$user" 1 "$seconds" 5
curl -s "$base/_local/metrics" | python3 -c '
import json,sys
m=json.load(sys.stdin)["functions"]
for f in ("ProfileFunction","LocationFunction"):
    if f in m:
        d=m[f]
        print("  %s: handler p50 %s ms over %s invocations" % (f, d["durationMs"]["p50"], d["invocations"]))
'
echo "16 clients (throughput):"
java -cp "$cp" dev.whereabouts.bench.LoadTest "$base/profiles/$user" 16 "$seconds" 40
curl -s "$base/_local/metrics" | python3 -c '
import json,sys
m=json.load(sys.stdin)["functions"]
for f,v in m.items():
    print("  %s: invocations %s, errors %s, cold starts %s, p50 %s ms, p99 %s ms" % (f, v["invocations"], v["errors"], v["coldStarts"], v["durationMs"]["p50"], v["durationMs"]["p99"]))
'
