#!/usr/bin/env bash
# The local runner's performance, with public tools only (the JDK):
#   1. start to ready: wall time from `java -jar` to the first answered request;
#   2. per-request overhead of the runner: one client, GET /profiles/{id}; the client's latency
#      minus the handler's own duration as the runner measured it (GET /_local/metrics);
#      the gateway's own time per request as the runner measures it (GET /_local/metrics);
#   3. throughput and p50/p99 of GET /profiles/{id} (which calls the location service through the
#      runner, SigV4-signed) at 16 concurrent clients, with zero errors expected, and where the
#      runner's CPU goes per request, by thread group (/proc, Linux only).
#
#   bench/runner-load.sh [SECONDS]     (default 20 s of load per phase, after a warm-up of 20 s
#                                       for one client and 150 s for 16: the runner JIT-compiles
#                                       a copy of the SDK per function, which takes C2 two to
#                                       three minutes of load; what is measured is the runner at
#                                       steady state, not its compiler)
#   RUNNER_JAVA_OPTS="…" bench/runner-load.sh …   extra JVM options for the runner, e.g. a flight
#                                       recording: -XX:StartFlightRecording=filename=/tmp/runner.jfr
#   WARMUP16=SECONDS                    the 16-client warm-up (default 150; 60 shows the compiler's share)
#   RUNNER_JAR=PATH                     another build of the runner (an A/B against an older
#                                       commit's jar, same functions, same machine, same minute)
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
# shellcheck disable=SC2086 # options are words
java ${RUNNER_JAVA_OPTS:-} -jar "${RUNNER_JAR:-local-runner/target/local-runner.jar}" --port "$port" --no-color \
  --parameter-overrides StageRateLimit=1000000 StageBurstLimit=1000000 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log" "$log".*' EXIT
until curl -sf -o /dev/null "$base/_local/metrics"; do
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
java -cp "$cp" dev.whereabouts.bench.LoadTest "$base/profiles/$user" 1 "$seconds" 20
curl -s "$base/_local/metrics" | python3 -c '
import json,sys
doc=json.load(sys.stdin)
m=doc["functions"]
for f in ("ProfileFunction","LocationFunction"):
    if f in m:
        d=m[f]
        print("  %s: handler p50 %s ms over %s invocations" % (f, d["durationMs"]["p50"], d["invocations"]))
g=doc["gateway"]["ownMs"]
print("  gateway own time per request (latest 10,000): p50 %s ms, p90 %s ms, p99 %s ms" % (g["p50"], g["p90"], g["p99"]))
'
echo "16 clients (throughput):"
threads() {  # one line per live thread: TID GROUP CPU-ticks-so-far, from /proc in one go
  python3 - "$pid" <<'PY'
import glob, re, sys
for stat in glob.glob("/proc/%s/task/*/stat" % sys.argv[1]):
    try:
        text = open(stat).read()
    except OSError:
        continue  # ended while listed
    tid = stat.split("/")[-2]
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    name = re.sub(r"-env-?\d*$|-e?n?v?$|[-#]?\d+$", "", name).replace(" ", "_")
    print(tid, name, int(fields[11]) + int(fields[12]))
PY
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }  # user + system CPU
invocations() { curl -s "$base/_local/metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["functions"]["ProfileFunction"]["invocations"])'; }
warmup16=${WARMUP16:-150}
java -cp "$cp" dev.whereabouts.bench.LoadTest "$base/profiles/$user" 16 "$seconds" "$warmup16" >"$log.load" &
load=$!
if [ -d "/proc/$pid/task" ] && [ "$seconds" -ge 10 ]; then
  sleep $(( warmup16 + 2 ))
  engine=$(pgrep -P "$pid" -f engine.js | head -n 1)  # dynalite, the runner's child process
  n0=$(invocations); w0=$(date +%s%N); r0=$(ticks $pid); e0=$(ticks "$engine"); threads >"$log.t0"
  sleep $(( seconds - 8 ))
  n1=$(invocations); w1=$(date +%s%N); r1=$(ticks $pid); e1=$(ticks "$engine"); threads >"$log.t1"
fi
wait $load
cat "$log.load"
if [ -s "$log.t1" ]; then
  echo "  runner CPU per GET /profiles (thread group: ms of CPU per request), over $(( n1 - n0 )) requests:"
  awk -v r=$(( r1 - r0 )) -v n=$(( n1 - n0 )) -v w=$(( w1 - w0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "  runner process: %.0f %% CPU, %.2f ms per request\n", r / hz * 1e11 / w, r * 1000 / hz / n }'
  awk -v r=$(( e1 - e0 )) -v n=$(( n1 - n0 )) -v w=$(( w1 - w0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "  DynamoDB engine (dynalite, its own process): %.0f %% CPU, %.2f ms per request\n", r / hz * 1e11 / w, r * 1000 / hz / n }'
  # Per thread, by id: a thread alive at both ends counts its own difference, one started during
  # the window all of its ticks; what a thread that ended during the window used after the first
  # snapshot is gone from /proc with it, so it is the process's figure minus the live threads'
  # ("threads-that-ended"). The rows then add up to the process's figure.
  python3 - "$log.t0" "$log.t1" $(( n1 - n0 )) $(( r1 - r0 )) "$(getconf CLK_TCK)" <<'PY'
import sys, collections
def read(path):
    out = {}
    for line in open(path):
        tid, group, ticks = line.split()
        out[tid] = (group, int(ticks))
    return out
t0, t1 = read(sys.argv[1]), read(sys.argv[2])
n, process, hz = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
groups = collections.Counter()
for tid, (group, ticks) in t1.items():
    groups[group] += ticks - t0.get(tid, (group, 0))[1]
live = sum(groups.values())
groups["threads-that-ended"] = process - live
ms = lambda ticks: ticks * 1000.0 / hz / n
for group, ticks in sorted(groups.items(), key=lambda g: -g[1]):
    if abs(ms(ticks)) >= 0.01:
        print("    %-24s %.2f" % (group, ms(ticks)))
print("    %-24s %.2f (the process's figure)" % ("total", ms(process)))
PY
fi
rm -f "$log.load" "$log.t0" "$log.t1"
curl -s "$base/_local/metrics" | python3 -c '
import json,sys
m=json.load(sys.stdin)["functions"]
for f,v in m.items():
    print("  %s: invocations %s, errors %s, cold starts %s, p50 %s ms, p99 %s ms" % (f, v["invocations"], v["errors"], v["coldStarts"], v["durationMs"]["p50"], v["durationMs"]["p99"]))
'
