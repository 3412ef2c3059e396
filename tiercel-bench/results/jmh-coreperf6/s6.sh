#!/usr/bin/env bash
# Session 6: is the 2-thread sparse loss of sessions 4-5 the thread-id cell lookup? main, v4 (the
# commit's code, built like the other variants), and v4 without HitCounter.byId (nobyid), 6 rounds.
set -u
cd /work/wt/coreperf6
B=/tmp/base7/tiercel-dist/target/lib
THREADS=2 ROUNDS=6 PARAMS="-p impl=tiercel_read -p fill=sparse" bench/jmh-variants.sh /tmp/cp6/s6-t2 \
  "base|$B|" "v4|/tmp/cp6/lib-v4|" "nobyid|/tmp/cp6/lib-nobyid|"
