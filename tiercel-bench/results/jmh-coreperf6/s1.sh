#!/usr/bin/env bash
# Session 1: main (base), the branch's first candidate (v1: tail word in KeyHash.code, word
# compare in keyEquals, padded HitCounter cells), a diagnostic (v1 without the hit count) and
# both Caffeines; sparse and full, 1 and 2 threads, 3 rounds.
set -u
cd /work/wt/coreperf6
B=/tmp/base7/tiercel-dist/target/lib
for t in 1 2; do
  THREADS=$t ROUNDS=3 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp6/s1-t$t \
    "base|$B|" "v1|/tmp/cp6/lib-v1|" "diag|/tmp/cp6/lib-diag|" \
    "caffeine|$B||-p impl=caffeine -p fill=sparse,full" "cafbytes|$B||-p impl=caffeine_bytes -p fill=sparse,full"
done
