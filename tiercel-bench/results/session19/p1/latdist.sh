#!/usr/bin/env bash
# Session 19 scratch: redis-benchmark's whole latency distribution at pipeline 1 (50 clients,
# 100-byte values, 100k keys), Tiercel and Redis interleaved, to see where Tiercel's p99 goes.
#   latdist.sh OUTDIR ROUNDS [TEST] [TRANSPORT] [-- tiercel server flags]
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
OUT=$1; ROUNDS=$2; TEST=${3:-get}; TR=${4:-unix}; shift 4 || shift $#
[[ "${1:-}" == -- ]] && shift
mkdir -p "$OUT"; bench_workdir latdist
bench_tiercel_and_redis "$WORK" "$@"
addr() { bench_addr "$1" "$TR"; }
for s in tiercel redis; do redis-benchmark $(addr $s) -c 50 -n 100000 -d 100 -r 100000 -t set -q >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  for s in tiercel redis; do
    # shellcheck disable=SC2046
    redis-benchmark $(addr $s) -c 50 -n 300000 -d 100 -r 100000 -P 1 -t "$TEST" --precision 3 \
      > "$OUT/$s.$r.txt" 2>&1
    echo "$r $s $(grep -E 'throughput summary' "$OUT/$s.$r.txt")"
    awk '/Latency by percentile/{f=1;next} f && /%/ {print}' "$OUT/$s.$r.txt" \
      | awk '{gsub(/[()%<=]/," "); print}' > "$OUT/$s.$r.pct"
  done
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import sys, glob
out, rounds = sys.argv[1], int(sys.argv[2])
def pct(path, p):
    # A .pct line: "percentile latency_ms milliseconds cumulative count N".
    for line in open(path):
        f = line.split()
        if len(f) >= 2:
            q, v = float(f[0]), float(f[1])
            if q >= p: return v
    return float('nan')
print("round server p50 p90 p99 p99.9 max (ms)")
for r in range(1, rounds + 1):
    for s in ("tiercel", "redis"):
        p = f"{out}/{s}.{r}.pct"
        print(r, s, *["%.3f" % pct(p, q) for q in (50, 90, 99, 99.9, 100)])
PY
