#!/usr/bin/env bash
# The reliability suites at full size (docs/reliability.md): 100,000 generated inputs, 20,000
# bodies per route for the model agreement, 10 minutes of load at 32 clients, and the contract,
# authorization, race and secrets suites, all through the local runner started from template.yaml.
#
#   bench/reliability-full.sh            the whole full size (about 2 hours on 2 cores: the fuzz's
#                                        100,000 inputs take most of it, bound by the engine)
#   bench/reliability-full.sh -Dreliability.load.seconds=120 …   any figure overridden
#
# Its summary lines ("reliability …") go to target/reliability/full-run.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building the function jars (mvn -B -q package -DskipTests)…" >&2
mvn -B -q package -DskipTests -Dspotless.check.skip=true -pl auth-service,location-service,profile-service -am >&2
mkdir -p local-runner/target/reliability
log=local-runner/target/reliability/full-run.log
set +e
mvn -B -pl local-runner -am test -Dspotless.check.skip=true \
  -Dtest='Reliability*Test' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.size=full "$@" | tee "$log"
status=${PIPESTATUS[0]}
set -e
grep -a -E "reliability (fuzz|load|races|secrets|model)|  [a-z].* ms|Tests run:" "$log" \
  | sed 's/^[A-Za-z]* *| //' > local-runner/target/reliability/full-run.txt || true
cat local-runner/target/reliability/full-run.txt
exit "$status"
