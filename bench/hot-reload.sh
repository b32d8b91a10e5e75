#!/usr/bin/env bash
# Hot reload from source (`--watch`), as a developer meets it: in a copy of the project, edit the
# profile handler's 404 message, save, and poll GET /profiles/{id} until the runner serves the new
# message. Reports, over N edits:
#   - save → new code served: from the file write to the first response showing the edit;
#   - the runner's own compile time per save;
#   - the first request after each reload (the gateway's time for it: a new class loader and a new
#     handler instance) beside the first request after start (a cold start from the jar).
#
#   bench/hot-reload.sh [EDITS]     (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
edits=${1:-10}
case "$edits" in ''|*[!0-9]*) echo "usage: bench/hot-reload.sh [EDITS]" >&2; exit 2;; esac
if [ ! -f local-runner/target/local-runner.jar ] || [ ! -f profile-service/target/profile-service.jar ]; then
  echo "building (mvn -B -q package -DskipTests)…" >&2
  mvn -B -q package -DskipTests -Dspotless.check.skip=true >&2
fi
copy=$(mktemp -d)
log=$(mktemp)
# The sources (no target/, no .git), then the jars the template points at, newer than the sources.
tar --exclude=./.git --exclude='*/target' --exclude=./node_modules -cf - . | tar -xf - -C "$copy"
for m in auth-service location-service profile-service; do
  mkdir -p "$copy/$m/target" && cp "$m/target/$m.jar" "$copy/$m/target/"
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -jar local-runner/target/local-runner.jar --watch --port "$port" --no-color \
  --template "$copy/template.yaml" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; cp "$log" /tmp/hot-reload-bench.log; rm -rf "$copy" "$log"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/_local/metrics"; do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.02
done
python3 - "$port" "$copy/profile-service/src/main/java/dev/whereabouts/profile/ProfileHandler.java" "$log" "$edits" <<'PY'
import re, statistics, sys, time, urllib.request, urllib.error
port, source, log, edits = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
url = "http://127.0.0.1:%s/profiles/hot-reload-bench" % port

def get():
    try:
        urllib.request.urlopen(url, timeout=60)
        return ""
    except urllib.error.HTTPError as e:
        return e.read().decode()

def gateway_ms(after):
    """The gateway's time for the first GET after a log offset, from the runner's access log."""
    deadline = time.monotonic() + 5  # the runner prints its access log line after answering
    while True:
        text = open(log).read()[after:]
        m = re.search(r"GET /profiles/hot-reload-bench 404 ([0-9.]+) ms", text)
        if m or time.monotonic() > deadline:
            return float(m.group(1)) if m else float("nan")
        time.sleep(0.01)

mark = len(open(log).read())
get()
cold = gateway_ms(mark)
print("first request after start (cold start from the jar): %.0f ms" % cold)
# A developer reads the banner before the first edit; the runner warms its compiler meanwhile.
time.sleep(10)

text = open(source).read()
anchor = "\"No profile is stored for '"
assert anchor in text, "the profile handler's 404 message moved; update bench/hot-reload.sh"
served, compiles, firsts = [], [], []
for i in range(1, edits + 1):
    marker = "Edit %d: no profile is stored for '" % i
    mark = len(open(log).read())
    with open(source, "w") as f:
        f.write(text.replace(anchor, "\"" + marker))
    saved = time.monotonic()
    while ("Edit %d:" % i) not in get():
        if time.monotonic() - saved > 60:
            sys.exit("edit %d was not served within 60 s; the runner printed:\n%s" % (i, open(log).read()[mark:][-3000:]))
        time.sleep(0.01)
    served.append((time.monotonic() - saved) * 1000)
    since = open(log).read()[mark:]
    c = re.search(r"compiled profile-service in ([0-9]+) ms", since)
    compiles.append(float(c.group(1)) if c else float("nan"))
    firsts.append(gateway_ms(mark))
    time.sleep(1)

def p(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]

print("save -> new code served over %d edits: p50 %.0f ms, p90 %.0f ms, max %.0f ms (all: %s)"
      % (edits, p(served, .5), p(served, .9), max(served), " ".join("%.0f" % s for s in served)))
print("runner's compile per save: p50 %.0f ms (all: %s)" % (p(compiles, .5), " ".join("%.0f" % c for c in compiles)))
print("first request after a reload: p50 %.0f ms, max %.0f ms (cold start from the jar: %.0f ms)"
      % (p(firsts, .5), max(firsts), cold))
PY
