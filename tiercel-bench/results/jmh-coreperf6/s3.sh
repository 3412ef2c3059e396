#!/usr/bin/env bash
# Session 3: main, v1 (session 1), v2 = v1 + hit cells found by thread id, v3 = v2 + dropped
# reads counted in a HitCounter instead of a LongAdder, v4 = v3 + a 4-lookup CRC for tails of at
# most 4 bytes; Caffeine for scale. Sparse and full, 1 and 2 threads, 4 rounds.
set -u
cd /work/wt/coreperf6
B=/tmp/base7/tiercel-dist/target/lib
for t in 1 2; do
  THREADS=$t ROUNDS=4 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp6/s3-t$t \
    "base|$B|" "v1|/tmp/cp6/lib-v1|" "v2|/tmp/cp6/lib-v2|" "v3|/tmp/cp6/lib-v3|" "v4|/tmp/cp6/lib-v4|" \
    "caffeine|$B||-p impl=caffeine -p fill=sparse,full"
done
