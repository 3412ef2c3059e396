#!/usr/bin/env bash
# Pairs of agent-bench --sync-only: old warm-up (34a4409's script) and the new one, order alternating.
cd /work/main
OUT=/work/main/tiercel-bench/results/session21/sync-warmup
for p in 1 2 3 4 5 6; do
  if (( p % 2 )); then order="old new"; else order="new old"; fi
  for v in $order; do
    if [[ $v == old ]]; then s=bench/agent-bench-old.sh; else s=bench/agent-bench.sh; fi
    $s --sync-only > $OUT/sync-$v-$p.txt 2>&1
    echo "$p $v $(grep -o 'sync_lag_p99_us:[0-9]*' $OUT/sync-$v-$p.txt)"
  done
done
