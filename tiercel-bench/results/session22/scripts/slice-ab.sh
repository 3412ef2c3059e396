#!/usr/bin/env bash
# A/B of the event loops' scheduler slice: bench/agent-bench.sh $ARGS (default --sync-only) with
# the default (io-thread-slice-micros 100) against --tiercel-flags "--io-thread-slice-micros 0",
# PAIRS pairs (default 10), the order flipped every pair. Output: $OUT/$PREFIX-<slice|off>-<pair>.txt
# and, for sync-only runs, $OUT/pairs.txt. The GET A/B of get-ab/ was
#   ARGS="--rounds 3" PAIRS=2 PREFIX=agent OUT=tiercel-bench/results/session22/get-ab slice-ab.sh
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-tiercel-bench/results/session22/slice-ab}
PREFIX=${PREFIX:-sync}
mkdir -p "$OUT"
for p in $(seq 1 "${PAIRS:-10}"); do
  if (( p % 2 )); then order="slice off"; else order="off slice"; fi
  for v in $order; do
    if [[ $v == off ]]; then flags=(--tiercel-flags "--io-thread-slice-micros 0"); else flags=(); fi
    # shellcheck disable=SC2086
    bench/agent-bench.sh ${ARGS:---sync-only} "${flags[@]}" >"$OUT/$PREFIX-$v-$p.txt" 2>&1
    if [[ "${ARGS:---sync-only}" == *--sync-only* ]]; then
      echo "$p $v $(grep -o 'sync_lag_p50_us:[0-9]*' "$OUT/$PREFIX-$v-$p.txt")" \
        "$(grep -o 'sync_lag_p99_us:[0-9]*' "$OUT/$PREFIX-$v-$p.txt")" \
        "$(grep -o 'sync_lag_p999_us:[0-9]*' "$OUT/$PREFIX-$v-$p.txt")" | tee -a "$OUT/pairs.txt"
    fi
  done
done
