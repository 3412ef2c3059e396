#!/usr/bin/env bash
# Session 23: sync lag with the heap growing into fresh memory (default pacer, 1 GB floor) against
# a heap recycled early (SoftMaxHeapSize=256m) and a heap touched at start (-Xms1g AlwaysPreTouch).
# ROUNDS rounds, the variants rotated in each; ARGS are agent-bench's (default: steady state).
# Usage: ROUNDS=3 OUT=dir ARGS="..." VARIANTS="paced soft256 pretouch" scripts/heap-rotation.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../../../.." && pwd)"
ROUNDS="${ROUNDS:-3}"
OUT="${OUT:-$(pwd)/runs}"
ARGS="${ARGS:---sync-only --sync-warmup-seconds 30 --sync-warmup-keys 100000}"
mkdir -p "$OUT"
declare -A OPTS=([paced]="" [soft256]="-XX:SoftMaxHeapSize=256m" [pretouch]="-Xms1g -XX:+AlwaysPreTouch"
  [soft1g]="-XX:SoftMaxHeapSize=1g")
read -r -a ORDER <<<"${VARIANTS:-paced soft256 pretouch}"
for r in $(seq 1 "$ROUNDS"); do
  for v in "${ORDER[@]}"; do
    echo "round $r $v: $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
    # shellcheck disable=SC2086
    TIERCEL_JAVA_OPTS="${OPTS[$v]}" "$ROOT/bench/agent-bench.sh" $ARGS >"$OUT/$v-$r.txt" 2>&1 || echo "  failed"
    grep -E 'sync_lag_p(50|99)_us|page faults' "$OUT/$v-$r.txt" | sed 's/^/  /'
  done
  ORDER=("${ORDER[@]:1}" "${ORDER[0]}")
done
