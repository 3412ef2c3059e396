#!/usr/bin/env bash
# Fourth session: put at 1 thread, 8 rounds, the branch first (balances put3-t1's order).
cd "$(dirname "$0")/../../.." || exit 1
R=tiercel-bench/results/jmh-coreperf8
ROUNDS=8 BENCH=GetPutBenchmark.put THREADS=1 PARAMS='-p impl=tiercel_read -p fill=sparse,full' bench/jmh-variants.sh $R/put4-t1 'branch|/tmp/cp8/lib-branch|' 'main|/tmp/cp8/lib-main|' > $R/put4-t1.out 2>&1
