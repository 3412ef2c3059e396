#!/bin/bash
# Branch hitratio7 scratch: the store (bin/tiercel bench hitratio) at fixed key-hash seeds, one JVM
# per (variant, seed), each under the shared lock. Variants are temporary system properties of the
# scratch build (not committed): tiercel.scratch.sketchMul (table factor for caches of at most
# 16,384 entries; main: 2) and tiercel.scratch.sketchMin (least table entries for those caches;
# main: 0). Usage: seeds.sh FIRST LAST "name:-Dprop=v -Dprop=v" ... ; TRACES and SIZES from env.
# BIN: another checkout's launcher (main's build). Prints "variant seed trace size policy ratio" lines.
T=/work/shared/traces
TRACES=${TRACES:-$T/lirs-gli.keys.gz,$T/lirs-loop.keys.gz,$T/lirs-cs.keys.gz,$T/lirs-sprite.keys.gz}
first=$1; last=$2; shift 2
for s in $(seq $first $last); do
  for v in "$@"; do
    name=${v%%:*}; opts=${v#*:}
    flock /tmp/tiercel-mvn.lock env TIERCEL_JAVA_OPTS="-Dtiercel.keyHashSeed=$s $opts" \
      ${BIN:-bin/tiercel} bench hitratio --trace "$TRACES" ${SIZES:+--sizes $SIZES} \
      --policies ${POLICIES:-tinylfu,caffeine} --threads 2 2>/dev/null \
      | awk -v n="$name" -v s="$s" 'NF==4 && $4 ~ /^0\./ {print n, s, $0}'
  done
done
