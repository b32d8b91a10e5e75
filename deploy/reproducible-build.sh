#!/usr/bin/env bash
# Builds the three function jars twice from clean and compares them byte for byte: the same
# sources must give the same jars, or every build would publish new Lambda versions (and run a
# canary) with no change. Usage: deploy/reproducible-build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
modules=auth-service,location-service,profile-service
jars=(auth-service/target/auth-service.jar location-service/target/location-service.jar profile-service/target/profile-service.jar)
first=$(mktemp -d)
trap 'rm -rf "$first"' EXIT
mvn -B -q -pl "$modules" -am clean package -DskipTests -Dspotless.check.skip=true
for j in "${jars[@]}"; do cp "$j" "$first/"; done
sleep 2 # a different wall-clock second for the second build
mvn -B -q -pl "$modules" -am clean package -DskipTests -Dspotless.check.skip=true
status=0
for j in "${jars[@]}"; do
  a=$(sha256sum "$first/$(basename "$j")" | cut -d' ' -f1)
  b=$(sha256sum "$j" | cut -d' ' -f1)
  if [ "$a" = "$b" ]; then echo "same      $a  $j"; else echo "DIFFERENT $a $b  $j"; status=1; fi
done
exit $status
