#!/usr/bin/env bash
# Session 2: main (lib-base) vs the diagnostic dnolen (no key-length tail read on a hit: keyEquals
# skips the length byte, read() takes lengths from the request key; wrong on prefixes), Caffeine;
# sparse+full, t1/t2, 3 rounds
set -u
cd /work/wt/coreperf7
B=/tmp/cp7/lib-base
for t in 1 2; do
  THREADS=$t ROUNDS=3 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp7/s2-t$t \
    "caffeine|$B||-p impl=caffeine -p fill=sparse,full" "base|$B|" "dnolen|/tmp/cp7/lib-dnolen|"
done
