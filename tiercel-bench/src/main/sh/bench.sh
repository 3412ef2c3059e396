#!/usr/bin/env bash
# Runs io.tiercel.bench.BenchMain from the build tree (what `bin/tiercel bench` runs from a
# distribution). Build first:
#   mvn -B -q -pl tiercel-bench -am package -DskipTests
#   mvn -B -q -pl tiercel-bench dependency:build-classpath \
#     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
# Usage: tiercel-bench/src/main/sh/bench.sh <hitratio|jmh|memory> [flags]
# JAVA picks the JVM (default: Temurin 25); JAVA_OPTS adds flags (e.g. -Xmx8g).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../../.." && pwd)
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
cpfile=$root/tiercel-bench/target/cp.txt
if [[ ! -f $cpfile ]]; then
  echo "bench.sh: no $cpfile; build it first (see the top of this script)" >&2
  exit 2
fi
# The core comes from its build tree, not from a jar in the local repository.
deps=$(tr ':' '\n' < "$cpfile" | grep -v '/tiercel-core-' | paste -sd: -)
# shellcheck disable=SC2086
exec "$java" -XX:+UseCompactObjectHeaders ${JAVA_OPTS:-} \
  -cp "$root/tiercel-bench/target/classes:$root/tiercel-core/target/classes:$deps" \
  io.tiercel.bench.BenchMain "$@"
