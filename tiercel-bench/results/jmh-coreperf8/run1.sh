#!/usr/bin/env bash
# First session (main first): reads at 1 and 2 threads. Run as one shell line from the worktree.
cd "$(dirname "$0")/../../.." || exit 1
R=tiercel-bench/results/jmh-coreperf8
THREADS=1 PARAMS='-p impl=tiercel_read -p fill=sparse,full' bench/jmh-variants.sh $R/r1-t1 'main|/tmp/cp8/lib-main|' 'branch|/tmp/cp8/lib-branch|' 'caffeine|/tmp/cp8/lib-main||-p impl=caffeine -p fill=sparse,full' > $R/r1-t1.out 2>&1
THREADS=2 PARAMS='-p impl=tiercel_read -p fill=sparse,full' bench/jmh-variants.sh $R/r1-t2 'main|/tmp/cp8/lib-main|' 'branch|/tmp/cp8/lib-branch|' 'caffeine|/tmp/cp8/lib-main||-p impl=caffeine -p fill=sparse,full' > $R/r1-t2.out 2>&1
