#!/usr/bin/env bash
# Builds the shipped jars (three functions, the runner, the ops CLI) twice from clean, as the
# buildspec builds them, and compares them byte for byte: the same sources must give the same jars,
# or every build would publish new Lambda versions (and run a canary) with no change.
#
#   deploy/reproducible-build.sh                      two local builds, compared
#   deploy/reproducible-build.sh jar-checksums.sha256 also against a CodeBuild build of the same
#                                                     commit (the file is in its build artifact)
#
# Same as the buildspec: ./mvnw (the Maven .mvn/wrapper pins), JDK 17 (the enforcer refuses another
# major; CodeBuild has corretto17), project.build.outputTimestamp fixing every entry's time. The
# buildspec runs ./mvnw -B verify; skipping the tests here changes no byte of the jars.
set -euo pipefail
cd "$(dirname "$0")/.."
expected=${1:-}
modules=auth-service,location-service,profile-service,local-runner,ops
jars=(auth-service/target/auth-service.jar location-service/target/location-service.jar
  profile-service/target/profile-service.jar local-runner/target/local-runner.jar
  ops/target/whereabouts-ops.jar)
first=$(mktemp -d)
trap 'rm -rf "$first"' EXIT
./mvnw -B -q -pl "$modules" -am clean package -DskipTests -Dspotless.check.skip=true
for j in "${jars[@]}"; do cp "$j" "$first/"; done
sleep 2 # a different wall-clock second for the second build
./mvnw -B -q -pl "$modules" -am clean package -DskipTests -Dspotless.check.skip=true
status=0
for j in "${jars[@]}"; do
  a=$(sha256sum "$first/$(basename "$j")" | cut -d' ' -f1)
  b=$(sha256sum "$j" | cut -d' ' -f1)
  if [ "$a" = "$b" ]; then echo "same      $a  $j"; else echo "DIFFERENT $a $b  $j"; status=1; fi
done
if [ -n "$expected" ]; then
  echo "against $expected:"
  sha256sum --check "$expected" || status=1
fi
exit $status
