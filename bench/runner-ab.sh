#!/usr/bin/env bash
# A/B of two runner jars (e.g. main's and a branch's, built beforehand), alternated in the same minutes: start to ready (wall, to the first answered request), then
# CPU per GET /profiles at 8 clients after a warm-up.
#   bench/runner-ab.sh JAR_A JAR_B [ROUNDS] [WARMUP_SECONDS] [SECONDS]   (SECONDS 0: start-up only)
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1; B=$2; rounds=${3:-5}; warm=${4:-30}; secs=${5:-30}
hz=$(getconf CLK_TCK)
run() { # jar -> prints "ready_ms cpu_ms_per_req rps" (load only if secs>0)
  local jar=$1 load=$2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base="http://127.0.0.1:$port"; log=$(mktemp)
  start=$(date +%s%N)
  java -jar "$jar" --port "$port" --no-color --parameter-overrides StageRateLimit=1000000 StageBurstLimit=1000000 >"$log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "$base/_local/metrics"; do kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }; sleep 0.01; done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  out="$ready"
  if [ "$load" = 1 ]; then
    user="ab-$RANDOM$RANDOM"; json='Content-Type: application/json'
    curl -sf -X POST "$base/auth/users" -H "$json" -d "{\"userId\":\"$user\",\"password\":\"correct horse battery\"}" >/dev/null
    token=$(curl -sf -X POST "$base/auth/tokens" -H "$json" -d "{\"userId\":\"$user\",\"password\":\"correct horse battery\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
    curl -sf -X PUT "$base/profiles/$user" -H "Authorization: Bearer $token" -H "$json" -d '{"displayName":"AB"}' >/dev/null
    curl -sf -X PUT "$base/locations/$user" -H "Authorization: Bearer $token" -H "$json" -d '{"latitude":48.1,"longitude":11.5}' >/dev/null
    java -cp benchmarks/target/classes dev.whereabouts.bench.LoadTest "$base/profiles/$user" 8 "$secs" "$warm" > "$log.load" &
    lp=$!
    sleep $(( warm + 2 ))
    inv() { curl -s "$base/_local/metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["functions"]["ProfileFunction"]["invocations"])'; }
    n0=$(inv); r0=$(awk '{print $14+$15}' /proc/$pid/stat); w0=$(date +%s%N)
    sleep $(( secs - 6 ))
    n1=$(inv); r1=$(awk '{print $14+$15}' /proc/$pid/stat); w1=$(date +%s%N)
    wait $lp
    out="$out $(awk -v r=$((r1-r0)) -v n=$((n1-n0)) -v hz=$hz -v w=$((w1-w0)) 'BEGIN{printf "%.2f %.0f", r*1000/hz/n, n*1e9/w}')"
    grep -i "error" "$log.load" | head -2 || true
  fi
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$log" "$log.load"
  echo "$out"
}
for i in $(seq 1 "$rounds"); do
  echo "A $(run "$A" 0)"; echo "B $(run "$B" 0)"
done
if [ "$secs" -gt 0 ]; then
  echo "A load $(run "$A" 1)"; echo "B load $(run "$B" 1)"
  echo "A load $(run "$A" 1)"; echo "B load $(run "$B" 1)"
fi
