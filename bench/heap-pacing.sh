#!/usr/bin/env bash
# A node with its heap paced (HeapPacer, the default on ZGC) against nodes of the same build with
# the soft heap target fixed by -XX:SoftMaxHeapSize (which turns the pacer off), one node at a
# time, in the order given: each is started through bin/tiercel, warmed up with WARM SETs, then
# runs ROUNDS rounds of N SETs (50 clients, 100-byte values, 100k random keys, pipeline P, TCP).
# Per round it prints ops/s, p99, the node's CPU per request and its page faults; per node the
# collections during the rounds and the final RSS.
#
#   bench/heap-pacing.sh OUTDIR [name=SIZE|name=paced ...]
#
# Default variants: "paced off=5688734515" (off: the JVM's own target on a 24 GiB machine, 90 %
# of a quarter of its memory). Environment: WARM (default 10000000), N (2000000), ROUNDS (4), P (16).
# Example: bench/heap-pacing.sh /tmp/hp paced s256=256m s1g=1g off=5688734515
set -u
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
[[ $# -ge 1 ]] || bench_usage
OUT=$1; shift; rm -rf "$OUT"; mkdir -p "$OUT"
VARIANTS=("$@"); [[ ${#VARIANTS[@]} -gt 0 ]] || VARIANTS=(paced off=5688734515)
WARM=${WARM:-10000000}; N=${N:-2000000}; ROUNDS=${ROUNDS:-4}; P=${P:-16}
bench_require heap-pacing redis-benchmark redis-cli bc
trap bench_cleanup EXIT
echo "start load $(cut -d' ' -f1-3 /proc/loadavg); WARM=$WARM N=$N ROUNDS=$ROUNDS P=$P" | tee "$OUT/meta"
for v in "${VARIANTS[@]}"; do
  name=${v%%=*}; size=${v#*=}
  opts="-Xlog:gc:file=$OUT/$name.gc.log"
  [[ "$v" == *=* ]] && opts="$opts -XX:SoftMaxHeapSize=$size"
  TIERCEL_JAVA_OPTS="$opts" bench_start "$OUT" "$name" "$HOME_DIR/bin/tiercel" server --port 0 \
    --maxmemory 2gb --loglevel warn
  pid=$LAST_PID; port=$(bench_ready_field "$READY" port)
  redis-benchmark -p "$port" -c 50 -n "$WARM" -d 100 -r 100000 -P "$P" -t set -q >/dev/null
  cycles0=$(grep -c 'Collection (' "$OUT/$name.gc.log")
  for round in $(seq 1 "$ROUNDS"); do
    f0=$(bench_minor_faults "$pid"); c0=$(bench_cpu_ticks "$pid")
    read -r rps p99 < <(bench_rb -p "$port" -c 50 -n "$N" -d 100 -r 100000 -P "$P" -t set)
    f1=$(bench_minor_faults "$pid"); c1=$(bench_cpu_ticks "$pid")
    printf '%-8s round %d  %9.0f ops/s  p99 %6.3f ms  %5.2f us/req  %7d faults\n' "$name" "$round" \
      "$rps" "$p99" "$(echo "scale=4; ($c1 - $c0) * 10000 / $N" | bc)" $((f1 - f0)) | tee -a "$OUT/runs.txt"
  done
  soft=$(redis-cli -p "$port" info memory | tr -d '\r' | sed -n 's/^jvm_heap_soft_max://p')
  printf '%-8s collections in the rounds %d, RSS %d MB, soft target %d MB\n' "$name" \
    $(( $(grep -c 'Collection (' "$OUT/$name.gc.log") - cycles0 )) \
    $(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 )) $(( soft >> 20 )) | tee -a "$OUT/runs.txt"
  kill "$pid"; wait "$pid" 2>/dev/null
done
echo "end load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/meta"
