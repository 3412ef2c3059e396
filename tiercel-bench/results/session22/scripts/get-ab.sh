#!/usr/bin/env bash
# The GET rounds of bench/agent-bench.sh (3 rounds each) with the event loops' default slice and
# with --io-thread-slice-micros 0, PAIRS pairs, order flipped each pair. Output: $OUT/agent-*.txt.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-tiercel-bench/results/session22/get-ab}
mkdir -p "$OUT"
for p in $(seq 1 "${PAIRS:-2}"); do
  if (( p % 2 )); then order="slice off"; else order="off slice"; fi
  for v in $order; do
    if [[ $v == off ]]; then flags=(--tiercel-flags "--io-thread-slice-micros 0"); else flags=(); fi
    bench/agent-bench.sh --rounds 3 "${flags[@]}" >"$OUT/agent-$v-$p.txt" 2>&1
  done
done
