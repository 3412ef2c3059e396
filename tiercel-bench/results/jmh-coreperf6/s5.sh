#!/usr/bin/env bash
# Session 5: a repeat of main against the branch's build alone (no Caffeine), 6 rounds, to settle
# whether the branch's gain over main holds.
set -u
cd /work/wt/coreperf6
B=/tmp/base7/tiercel-dist/target/lib
L=/tmp/cp6/lib-branch   # a copy of this branch's tiercel-dist/target/lib at 40b0460
for t in 1 2; do
  THREADS=$t ROUNDS=6 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp6/s5-t$t \
    "base|$B|" "branch|$L|"
done
