#!/usr/bin/env bash
# Third session, 8 rounds each: reads at 1 and 2 threads (main first), then put at 1 thread.
cd "$(dirname "$0")/../../.." || exit 1
R=tiercel-bench/results/jmh-coreperf8
P='-p impl=tiercel_read -p fill=sparse,full'
C='caffeine|/tmp/cp8/lib-main||-p impl=caffeine -p fill=sparse,full'
ROUNDS=8 THREADS=1 PARAMS="$P" bench/jmh-variants.sh $R/r3-t1 'main|/tmp/cp8/lib-main|' 'branch|/tmp/cp8/lib-branch|' "$C" > $R/r3-t1.out 2>&1
ROUNDS=8 BENCH=GetPutBenchmark.put THREADS=1 PARAMS="$P" bench/jmh-variants.sh $R/put3-t1 'main|/tmp/cp8/lib-main|' 'branch|/tmp/cp8/lib-branch|' > $R/put3-t1.out 2>&1
ROUNDS=8 THREADS=2 PARAMS="$P" bench/jmh-variants.sh $R/r3-t2 'main|/tmp/cp8/lib-main|' 'branch|/tmp/cp8/lib-branch|' "$C" > $R/r3-t2.out 2>&1
