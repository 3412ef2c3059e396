#!/usr/bin/env bash
# session 2: build the candidate store jar, then base / cand / thp / caffeine interleaved
set -u
cd /work/wt/coreperf5
mvn -B -ntp -q -o package -DskipTests -pl tiercel-core || exit 1
rm -rf /tmp/coreperf5/lib-cand; cp -r /tmp/coreperf5/lib-base /tmp/coreperf5/lib-cand
cp tiercel-core/target/tiercel-core-0.1.0-SNAPSHOT.jar /tmp/coreperf5/lib-cand/
L=/tmp/coreperf5/lib-base; C=/tmp/coreperf5/lib-cand
ROUNDS=4 bench/jmh-variants.sh /tmp/coreperf5/s2 "base|$L|" "cand|$C|" "thp|$L|-XX:+UseTransparentHugePages" "caf|$L||-p impl=caffeine -p fill=sparse"
