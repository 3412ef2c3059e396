#!/usr/bin/env bash
# bench/compare-redis.sh with the node's default slice (100 us) and with
# --io-thread-slice-micros 0, PAIRS pairs (default 1), order flipped each pair.
# Output: tiercel-bench/results/session22/compare/<slice|off>-<pair>/ and .txt
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT=tiercel-bench/results/session22/compare
for p in $(seq 1 "${PAIRS:-1}"); do
  if (( p % 2 )); then order="slice off"; else order="off slice"; fi
  for v in $order; do
    if [[ $v == off ]]; then extra=(-- --io-thread-slice-micros 0); else extra=(); fi
    bench/compare-redis.sh --out "$OUT/$v-$p" "${extra[@]}" >"$OUT/$v-$p.txt" 2>&1
  done
done
