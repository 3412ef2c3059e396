#!/usr/bin/env bash
# Session 19: Tiercel as the node runs it (inline drains) and on a pool, next to Caffeine both ways.
cd /work/main
L=/tmp/lib-s19
F='-p fill=sparse,full'
for t in 1 2; do
  ROUNDS=4 THREADS=$t bench/jmh-variants.sh /tmp/s19/configs-t$t \
    "tiercel_inline|$L||-p impl=tiercel_inline $F" "tiercel_read|$L||-p impl=tiercel_read $F" \
    "caffeine|$L||-p impl=caffeine $F" "caffeine_inline|$L||-p impl=caffeine_inline $F" \
    > /tmp/s19/configs-t$t.txt 2>&1
done
