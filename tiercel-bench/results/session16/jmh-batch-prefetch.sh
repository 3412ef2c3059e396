#!/usr/bin/env bash
# The store alone under batches of 16 SETs or GETs on 100k uniform random keys (redis-benchmark's
# key shape and 100-byte values), with and without Cache.prefetch of the batch first
# (BatchPrefetchBenchmark). G1, because under ZGC the GET runs swing between 1M and 3M ops/s
# within one fork. Needs the distribution built
# (mvn -B -q -o -ntp -DskipTests package -pl tiercel-dist -am). Run under the shared lock:
#   flock /tmp/tiercel-mvn.lock tiercel-bench/results/session16/jmh-batch-prefetch.sh
set -eu
cd "$(dirname "$0")/../../.."
J="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
"$J" -XX:+UseCompactObjectHeaders -XX:+UseG1GC -Xmx4g -cp "tiercel-dist/target/lib/*" \
  org.openjdk.jmh.Main BatchPrefetchBenchmark -f 3 -wi 5 -i 5 -w 2s -r 2s -t 1
