#!/usr/bin/env bash
# Session 1: main (lib-base, = coreperf7's start 23bc217) vs singleton-in-directory SlotIndex, Caffeine; sparse+full, t1/t2, 3 rounds
set -u
cd /work/wt/coreperf7
B=/tmp/cp7/lib-base
for t in 1 2; do
  THREADS=$t ROUNDS=3 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp7/s1-t$t \
    "caffeine|$B||-p impl=caffeine -p fill=sparse,full" "base|$B|" "single|/tmp/cp7/lib-single|"
done
