#!/usr/bin/env bash
set -u
cd /work/wt/coreperf5
L=/tmp/coreperf5/lib-base
for t in 1 2; do
  THREADS=$t ROUNDS=3 PARAMS="-p impl=tiercel_read -p fill=sparse,full" bench/jmh-variants.sh /tmp/coreperf5/s5-t$t \
    "tiercel|$L|" "caffeine|$L||-p impl=caffeine -p fill=sparse,full" "cafbytes|$L||-p impl=caffeine_bytes -p fill=sparse,full"
done
