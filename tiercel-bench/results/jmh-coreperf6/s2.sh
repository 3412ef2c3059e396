#!/usr/bin/env bash
# Session 2 (diagnostics, not for adoption): where a sparse read's time goes. v1, then v1 without
# the hit count (diag), diag with the slot taken from the hash instead of the CRC (dnocrc: wrong
# slots, same spread), diag without the key-length byte check (dnotail: wrong on prefixes).
set -u
cd /work/wt/coreperf6
for t in 1 2; do
  THREADS=$t ROUNDS=3 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/cp6/s2-t$t \
    "v1|/tmp/cp6/lib-v1|" "diag|/tmp/cp6/lib-diag|" "dnocrc|/tmp/cp6/lib-dnocrc|" "dnotail|/tmp/cp6/lib-dnotail|"
done
