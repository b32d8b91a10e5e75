#!/usr/bin/env bash
# Cold start of each function as Lambda runs it, beside reference handlers in the same interleaved
# run: a fresh JVM per run with Lambda's java21 flags (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC),
# the function's shaded jar on the classpath, init (class loading + constructor) and the first
# invocation timed against the local DynamoDB engine (bench/engine.sh). Needs only Java 17+ and Maven.
#
#   bench/cold-start.sh [RUNS] [WARM_REQUESTS]   (defaults: 15 fresh JVMs per row, 60 warm requests)
#
#   PIN_CPU=0 bench/cold-start.sh …     every JVM pinned to CPU 0 (taskset): one core, as a small
#                                       Lambda function has
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/cold-start.sh …   another JDK
#   COMPARE_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64 bench/cold-start.sh …   every row twice in the
#                                       same interleaved run: with java and with that JDK's java
#
# Rows: the trivial handler (the JVM and the runtime's serializer alone); the reference a Java
# function is compared with, one GetItem written the usual way (RequestHandler<APIGatewayProxy…>
# with the runtime's serializer, SDK v2 + URLConnection) and the same as a stream handler; every
# function (stream handlers: no runtime serializer); the auth function's one Argon2id hash alone.
# Part 1 prints, per row, p50/p90 of init, of the first invocation, of the runtime's (de)serialization
# and of the whole process (fresh JVM → first response), and the ratio of the process p50 to the
# usual-way reference. Part 2, FIRST_RUNS fresh JVMs per row (default 5), interleaved: init, then
# the SnapStart priming (where the function has one), then the first request and WARM_REQUESTS more:
# first ÷ warm p50 per JVM, the local stand-in for a request served right after a SnapStart
# restore, reported as its median and range over the JVMs, with the classes the first request
# itself loads (-Xlog:class+load between the harness's marks). Part 3: classes loaded per row up to
# the first response of a fresh JVM (-Xlog:class+load).
#
#   FIRST_RUNS=15 bench/cold-start.sh …   more JVMs for part 2
#   COMPARE_PROFILE_JAR=/tmp/base/profile-service.jar bench/cold-start.sh …   the profile row also
#                                       with another build's jar (A/B of a change, same run)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
warm=${2:-60}
first_runs=${FIRST_RUNS:-5}
case "$runs$warm$first_runs" in ''|*[!0-9]*) echo "usage: [FIRST_RUNS=N] bench/cold-start.sh [RUNS] [WARM_REQUESTS]" >&2; exit 2;; esac
java=java
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
pin=()
[ -n "${PIN_CPU:-}" ] && pin=(taskset -c "$PIN_CPU")

if [ ! -f benchmarks/target/databind.classpath ] || [ ! -f auth-service/target/auth-service.jar ]; then
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

# name | classpath | main class | handler | event | extra environment
events_cp=$(cat benchmarks/target/trivial.classpath)
# The bare handlers take the SDK from the profile jar; databind (the bare stream handler's reader)
# is no longer in the function jars, so it comes from Maven's copy.
bare_cp="profile-service/target/profile-service.jar:$events_cp:$(cat benchmarks/target/databind.classpath)"
functions=(
  "trivial|$events_cp|ColdStart|dev.whereabouts.bench.TrivialHandler|trivial.json|"
  "bare GetItem, usual way|$bare_cp|ColdStart|dev.whereabouts.bench.BareGetItemHandler|profile-get.json|TABLE_NAME=profiles"
  "bare GetItem, stream|$bare_cp|ColdStart|dev.whereabouts.bench.BareGetItemStreamHandler|profile-get.json|TABLE_NAME=profiles"
  "auth (POST /auth/users)|auth-service/target/auth-service.jar|ColdStart|dev.whereabouts.auth.AuthHandler|auth-register.json|TABLE_NAME=auth"
  "  its Argon2id hash alone|auth-service/target/auth-service.jar|Argon2Once|-|-|"
  "authorizer|auth-service/target/auth-service.jar|ColdStart|dev.whereabouts.auth.Authorizer|authorizer.json|TABLE_NAME=auth"
  "location (PUT)|location-service/target/location-service.jar|ColdStart|dev.whereabouts.location.LocationHandler|location-put.json|TABLE_NAME=locations"
  "location (GET)|location-service/target/location-service.jar|ColdStart|dev.whereabouts.location.LocationHandler|location-get.json|TABLE_NAME=locations"
  "profile (GET, signed call)|profile-service/target/profile-service.jar|ColdStart|dev.whereabouts.profile.ProfileHandler|profile-get.json|TABLE_NAME=profiles LOCATION_API_URL=http://127.0.0.1:$closed_port/prod"
)

# A/B of one change in the same interleaved run: the profile row again with another build's jar.
if [ -n "${COMPARE_PROFILE_JAR:-}" ]; then
  functions+=("profile (GET, signed call), baseline jar|$COMPARE_PROFILE_JAR|ColdStart|dev.whereabouts.profile.ProfileHandler|profile-get.json|TABLE_NAME=profiles LOCATION_API_URL=http://127.0.0.1:$closed_port/prod")
fi

if [ -n "${COMPARE_JAVA:-}" ]; then
  other=$("$COMPARE_JAVA/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2)
  for f in "${functions[@]}"; do
    IFS='|' read -r name rest <<<"$f"
    functions+=("$name @ $other|$rest")
  done
fi

measure() { # name classpath main handler event extra [more args…]
  local name=$1 cp=$2 main=$3 handler=$4 event=$5 extra=$6; shift 6
  local args=() jvm=$java
  [ "$handler" != "-" ] && args=("$handler" "benchmarks/events/$event")
  [[ "$name" == *" @ "* ]] && jvm="$COMPARE_JAVA/bin/java"
  env $extra "${pin[@]}" "$jvm" "${flags[@]}" "${jvm_extra[@]}" -cp "$harness:$cp" "dev.whereabouts.bench.$main" \
    "${args[@]}" "$@" 2>>"$work/stderr.log" | grep '^RESULT' || echo "RESULT failed"
}

jvm_extra=()
echo "cold start, $runs fresh JVMs per row, java $("$java" -version 2>&1 | head -1 | cut -d'"' -f2), flags: ${flags[*]}${pin:+, pinned: ${pin[*]}}" >&2
for run in $(seq 1 "$runs"); do
  for f in "${functions[@]}"; do
    IFS='|' read -r name cp main handler event extra <<<"$f"
    start=$(date +%s%N)
    line=$(measure "$name" "$cp" "$main" "$handler" "$event" "$extra")
    end=$(date +%s%N)
    echo "$name|$line wall_ms=$(( (end - start) / 1000000 ))" >>"$work/results"
  done
  printf '.' >&2
done
echo >&2
for run in $(seq 1 "$first_runs"); do
  for f in "${functions[@]}"; do
    IFS='|' read -r name cp main handler event extra <<<"$f"
    [ "$main" = ColdStart ] || continue
    echo "$name|$(measure "$name" "$cp" "$main" "$handler" "$event" "$extra" "$warm")" >>"$work/warm"
  done
  printf '.' >&2
done
echo >&2
for f in "${functions[@]}"; do
  IFS='|' read -r name cp main handler event extra <<<"$f"
  [ "$main" = ColdStart ] || continue
  # The classes the first request after priming loads: the class log and the harness's marks
  # share standard output, so the log lines between the marks are the first request's.
  jvm_extra=(-Xlog:class+load:stdout)
  first_classes=$(env $extra "${pin[@]}" "$([[ "$name" == *" @ "* ]] && echo "$COMPARE_JAVA/bin/java" || echo "$java")" \
      "${flags[@]}" "${jvm_extra[@]}" -cp "$harness:$cp" "dev.whereabouts.bench.$main" \
      "$handler" "benchmarks/events/$event" "$warm" 2>>"$work/stderr.log" \
    | awk '/^MARK first request$/{p=1; next} /^MARK first request done$/{p=0} p && /class,load/{n++} END{print n+0}')
  echo "$name|first_classes=$first_classes" >>"$work/first-classes"
  jvm_extra=(-Xlog:class+load:file="$work/classes.log")
  measure "$name" "$cp" "$main" "$handler" "$event" "$extra" >/dev/null
  echo "$name|classes=$(grep -c 'class,load' "$work/classes.log")" >>"$work/classes"
  jvm_extra=()
done

python3 - "$work/results" "$work/warm" "$work/classes" "$work/first-classes" <<'PY' 2>/dev/null || cat "$work/results" "$work/warm" "$work/classes" "$work/first-classes"
import sys, re, statistics, collections
def read(path):
    rows = collections.OrderedDict()
    for line in open(path):
        name, rest = line.rstrip("\n").split("|", 1)
        rows.setdefault(name, []).append(dict(re.findall(r"(\w+)=(\S+)", rest)))
    return rows
def stat(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
rows = read(sys.argv[1])
ref = [float(v["wall_ms"]) for v in rows.get("bare GetItem, usual way", []) if "init_ms" in v]
ref50 = stat(ref, .5) if ref else None
print(f"{'row':30} {'init p50':>8} {'init p90':>8} {'1st call p50':>12} {'1st call p90':>12} {'runtime p50':>11} {'process p50':>11} {'p90':>6} {'÷ usual':>7}  outcome")
for name, vs in rows.items():
    ok = [v for v in vs if "init_ms" in v]
    if not ok:
        print(f"{name:30} failed (see stderr)"); continue
    i = [float(v["init_ms"]) for v in ok]; c = [float(v["handler_ms"]) for v in ok]
    r = [float(v["runtime_ms"]) for v in ok]; w = [float(v["wall_ms"]) for v in ok]
    ratio = f"{stat(w,.5)/ref50:7.2f}" if ref50 else "      -"
    print(f"{name:30} {stat(i,.5):8.0f} {stat(i,.9):8.0f} {stat(c,.5):12.0f} {stat(c,.9):12.0f} {stat(r,.5):11.0f} {stat(w,.5):11.0f} {stat(w,.9):6.0f} {ratio}  {ok[-1].get('outcome','')}")
print()
print(f"{'row (JVMs: init, priming, requests)':40} {'JVMs':>4} {'priming':>8} {'first p50':>9} {'warm p50':>9} {'first ÷ warm: median':>20} {'range':>12}  {'first loads':>11}  classes loaded")
warm = read(sys.argv[2]); classes = read(sys.argv[3]); first_classes = read(sys.argv[4])
for name, vs in warm.items():
    ok = [v for v in vs if "first_ms" in v]
    n = classes.get(name, [{}])[0].get("classes", "?")
    fc = first_classes.get(name, [{}])[0].get("first_classes", "?")
    if not ok:
        print(f"{name:40} failed (see stderr)"); continue
    first = [float(v["first_ms"]) for v in ok]; warm50 = [float(v["warm_p50_ms"]) for v in ok]
    ratios = sorted(f / w for f, w in zip(first, warm50))
    primes = [float(v["prime_ms"]) for v in ok if v["prime_ms"] != "none"]
    prime = f"{stat(primes, .5):8.0f}" if primes else "    none"
    print(f"{name:40} {len(ok):4} {prime} {stat(first,.5):9.1f} {stat(warm50,.5):9.2f} {statistics.median(ratios):20.2f} {ratios[0]:5.1f}–{ratios[-1]:<6.1f}  {fc:>11}  {n}")
PY
