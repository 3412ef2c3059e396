cd /work/main
OUT=/work/main/tiercel-bench/results/session21/slice
mkdir -p $OUT
for p in ${PAIRS:-1 2 3 4 5}; do
  if (( p % 2 )); then order="base slice"; else order="slice base"; fi
  for v in $order; do
    if [[ $v == slice ]]; then SLICE_NS=100000 bench/agent-bench-slice.sh --sync-only > $OUT/sync-$v-$p.txt 2>&1
    else bench/agent-bench-slice.sh --sync-only > $OUT/sync-$v-$p.txt 2>&1; fi
    echo "$p $v $(grep -o 'sync_lag_p50_us:[0-9]*' $OUT/sync-$v-$p.txt) $(grep -o 'sync_lag_p99_us:[0-9]*' $OUT/sync-$v-$p.txt)"
  done
done
