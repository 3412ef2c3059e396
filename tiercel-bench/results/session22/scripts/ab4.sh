#!/usr/bin/env bash
# Rotates variants of agent-bench-s22 --sync-only: base, jit (compiler threads at nice 19), slice (100 us EEVDF slice on the event loops), both.
cd /work/main
OUT=${OUT:-/tmp/s22/ab4}; mkdir -p $OUT
JIT="$(cat /tmp/s22/jitnice.opts)"
V=(base jit slice both)
for r in ${ROUNDS:-1 2 3 4 5}; do
  for k in 0 1 2 3; do
    v=${V[$(( (k + r) % 4 ))]}
    case $v in
      base) TIERCEL_JAVA_OPTS= bench/agent-bench-s22.sh --sync-only $EXTRA > $OUT/$v-$r.txt 2>&1 ;;
      jit) TIERCEL_JAVA_OPTS="$JIT" bench/agent-bench-s22.sh --sync-only $EXTRA > $OUT/$v-$r.txt 2>&1 ;;
      slice) SLICE_NS=100000 TIERCEL_JAVA_OPTS= bench/agent-bench-s22.sh --sync-only $EXTRA > $OUT/$v-$r.txt 2>&1 ;;
      both) SLICE_NS=100000 TIERCEL_JAVA_OPTS="$JIT" bench/agent-bench-s22.sh --sync-only $EXTRA > $OUT/$v-$r.txt 2>&1 ;;
    esac
    echo "$r $v $(grep -o 'sync_lag_p50_us:[0-9]*' $OUT/$v-$r.txt) $(grep -o 'sync_lag_p99_us:[0-9]*' $OUT/$v-$r.txt) $(grep -o 'sync_lag_p999_us:[0-9]*' $OUT/$v-$r.txt)" | tee -a $OUT/rounds.txt
  done
done
