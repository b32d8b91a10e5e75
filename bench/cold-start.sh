#!/usr/bin/env bash
# Cold start of each function as Lambda runs it: a fresh JVM per run with Lambda's java21 flags
# (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC), the function's shaded jar on the classpath, init
# (class loading + constructor) and the first invocation timed against the local DynamoDB engine, beside a
# trivial handler measured in the same loop. Needs only Java 17+ and Maven.
#
#   bench/cold-start.sh [RUNS]        (default 15 runs per function)
#
# Prints, per function, the median and p90 of init (class loading + constructor: Lambda's Init
# Duration less the runtime's own start), of the handler's first invocation, the runtime's event
# (de)serialization (paid by the trivial handler too) and whole-process wall time, in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
case "$runs" in ''|*[!0-9]*) echo "usage: bench/cold-start.sh [RUNS]" >&2; exit 2;; esac

if [ ! -f benchmarks/target/harness.classpath ] || [ ! -f auth-service/target/auth-service.jar ]; then
  echo "building the function jars and the harness (mvn -B -q package -DskipTests)…" >&2
  mvn -B -q package -DskipTests -Dspotless.check.skip=true >&2
fi
harness="benchmarks/target/classes:$(cat benchmarks/target/harness.classpath)"
closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18001)
work=$(mktemp -d)
. bench/engine.sh
start_engine
trap 'kill "$engine_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
java -cp "$harness:location-service/target/location-service.jar" dev.whereabouts.bench.CreateTables \
  "$endpoint" auth=pk locations=userId profiles=userId
java -cp "$harness:profile-service/target/profile-service.jar" dev.whereabouts.bench.SeedProfile \
  "$endpoint" profiles bench-seed

export AWS_REGION=eu-central-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export AWS_ENDPOINT_URL_DYNAMODB="$endpoint" AWS_LAMBDA_FUNCTION_NAME=bench
flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xmx870m)

# name | jar | handler | event | extra environment
functions=(
  "trivial|$(cat benchmarks/target/trivial.classpath)|dev.whereabouts.bench.TrivialHandler|trivial.json|"
  "auth (POST /auth/users)|auth-service/target/auth-service.jar|dev.whereabouts.auth.AuthHandler|auth-register.json|TABLE_NAME=auth"
  "authorizer|auth-service/target/auth-service.jar|dev.whereabouts.auth.Authorizer|authorizer.json|TABLE_NAME=auth"
  "location (PUT)|location-service/target/location-service.jar|dev.whereabouts.location.LocationHandler|location-put.json|TABLE_NAME=locations"
  "profile (GET, signed call)|profile-service/target/profile-service.jar|dev.whereabouts.profile.ProfileHandler|profile-get.json|TABLE_NAME=profiles LOCATION_API_URL=http://127.0.0.1:$closed_port/prod"
)

echo "cold start, $runs fresh JVMs per function, java $(java -version 2>&1 | head -1 | cut -d'"' -f2), flags: ${flags[*]}" >&2
for run in $(seq 1 "$runs"); do
  for f in "${functions[@]}"; do
    IFS='|' read -r name jar handler event extra <<<"$f"
    start=$(date +%s%N)
    line=$(env $extra java "${flags[@]}" -cp "$harness:$jar" dev.whereabouts.bench.ColdStart \
      "$handler" "benchmarks/events/$event" 2>>"$work/stderr.log" | grep '^RESULT' || echo "RESULT failed")
    end=$(date +%s%N)
    echo "$name|$line wall_ms=$(( (end - start) / 1000000 ))" >>"$work/results"
  done
  printf '.' >&2
done
echo >&2

python3 - "$work/results" <<'PY' 2>/dev/null || awk -F'|' '{print}' "$work/results"
import sys, re, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, rest = line.rstrip("\n").split("|", 1)
    vals = dict(re.findall(r"(\w+)=(\S+)", rest))
    rows.setdefault(name, []).append(vals)
def stat(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
print(f"{'function':30} {'init p50':>9} {'init p90':>9} {'1st call p50':>12} {'1st call p90':>12} {'runtime p50':>11} {'process p50':>11}  outcome")
for name, vs in rows.items():
    ok = [v for v in vs if "init_ms" in v]
    if not ok:
        print(f"{name:30} failed (see stderr)"); continue
    i = [float(v["init_ms"]) for v in ok]; c = [float(v["handler_ms"]) for v in ok]
    r = [float(v["runtime_ms"]) for v in ok]; w = [float(v["wall_ms"]) for v in ok]
    print(f"{name:30} {stat(i,.5):9.0f} {stat(i,.9):9.0f} {stat(c,.5):12.0f} {stat(c,.9):12.0f} {stat(r,.5):11.0f} {stat(w,.5):11.0f}  {ok[-1].get('outcome','')}")
PY
