#!/usr/bin/env bash
# Second read session (branch first), then put throughput twice (main first, then branch first).
cd "$(dirname "$0")/../../.." || exit 1
R=tiercel-bench/results/jmh-coreperf8
P='-p impl=tiercel_read -p fill=sparse,full'
C='caffeine|/tmp/cp8/lib-main||-p impl=caffeine -p fill=sparse,full'
THREADS=1 PARAMS="$P" bench/jmh-variants.sh $R/r2-t1 'branch|/tmp/cp8/lib-branch|' 'main|/tmp/cp8/lib-main|' "$C" > $R/r2-t1.out 2>&1
THREADS=2 PARAMS="$P" bench/jmh-variants.sh $R/r2-t2 'branch|/tmp/cp8/lib-branch|' 'main|/tmp/cp8/lib-main|' "$C" > $R/r2-t2.out 2>&1
BENCH=GetPutBenchmark.put THREADS=1 PARAMS="$P" bench/jmh-variants.sh $R/put1-t1 'main|/tmp/cp8/lib-main|' 'branch|/tmp/cp8/lib-branch|' > $R/put1-t1.out 2>&1
BENCH=GetPutBenchmark.put THREADS=1 PARAMS="$P" bench/jmh-variants.sh $R/put2-t1 'branch|/tmp/cp8/lib-branch|' 'main|/tmp/cp8/lib-main|' > $R/put2-t1.out 2>&1
