#!/usr/bin/env bash
# A/B of the event loops' scheduler slice: bench/agent-bench.sh --sync-only with the default
# (io-thread-slice-micros 100) against --tiercel-flags "--io-thread-slice-micros 0", PAIRS pairs,
# the order flipped every pair; EXTRA adds agent-bench flags to both. Output: $OUT/pairs.txt.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-tiercel-bench/results/session22/slice-ab}
mkdir -p "$OUT"
for p in $(seq 1 "${PAIRS:-10}"); do
  if (( p % 2 )); then order="slice off"; else order="off slice"; fi
  for v in $order; do
    if [[ $v == off ]]; then flags=(--tiercel-flags "--io-thread-slice-micros 0"); else flags=(); fi
    # shellcheck disable=SC2086
    bench/agent-bench.sh --sync-only ${EXTRA:-} "${flags[@]}" >"$OUT/sync-$v-$p.txt" 2>&1
    echo "$p $v $(grep -o 'sync_lag_p50_us:[0-9]*' "$OUT/sync-$v-$p.txt")" \
      "$(grep -o 'sync_lag_p99_us:[0-9]*' "$OUT/sync-$v-$p.txt")" \
      "$(grep -o 'sync_lag_p999_us:[0-9]*' "$OUT/sync-$v-$p.txt")" | tee -a "$OUT/pairs.txt"
  done
done
