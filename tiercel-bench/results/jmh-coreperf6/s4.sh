#!/usr/bin/env bash
# Session 4, the result: main (2279b84) next to the branch's own dist build, with Caffeine and
# caffeine_bytes; sparse and full, 1 and 2 threads, 4 rounds.
set -u
cd /work/wt/coreperf6
B=/tmp/base7/tiercel-dist/target/lib
L=/tmp/cp6/lib-branch   # a copy of this branch's tiercel-dist/target/lib at 40b0460
for t in 1 2; do
  THREADS=$t ROUNDS=4 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp6/s4-t$t \
    "base|$B|" "branch|$L|" \
    "caffeine|$B||-p impl=caffeine -p fill=sparse,full" "cafbytes|$B||-p impl=caffeine_bytes -p fill=sparse,full"
done
