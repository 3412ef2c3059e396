#!/usr/bin/env bash
# Where a node's latency tail comes from: one node and one redis-server under the same
# redis-benchmark cells, one after the other, with the node's GC and safepoint log, and for every
# thread of both servers the CPU time, run-queue wait (/proc/PID/task/TID/schedstat), time slices
# and involuntary context switches over each cell. A thread that runs during a cell competes with
# the event loop for the 2 cores; a loop with much run-queue wait was pushed off its core.
#
#   bench/tail-attribution.sh OUTDIR LIBDIR 'java opts' CELL...      (CELL: tcp:set:16)
#
# A cell may repeat (the first run after a load change pays for the JIT's new compilations; a
# later one shows the steady state); cells are numbered in order (unix:set:16#3). PERF_CELL=
# unix:set:16#3 also records `perf sched` over 0.6 s of that cell (OUTDIR/node.sched.data,
# redis.sched.data) and prints who took the CPU from the loop. Output: OUTDIR/results (ops/s, p99,
# max ms), the per-thread table, gc.log, marks (cell start and end, /proc/uptime seconds).
set -u

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
[[ $# -ge 4 ]] || bench_usage
OUT=$1; LIB=$2; OPTS=$3; shift 3
rm -rf "$OUT"; mkdir -p "$OUT"
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
bench_require tail-attribution redis-server redis-cli redis-benchmark python3
trap bench_cleanup EXIT
# shellcheck disable=SC2086
bench_start "$OUT" node "$JAVA" -XX:+UseCompactObjectHeaders $OPTS \
  -Xlog:gc*,safepoint:file="$OUT/gc.log":uptime -Dtiercel.home="$HOME_DIR" -cp "$LIB/*" \
  io.tiercel.dist.Main server --port 0 --unixsocket "$OUT/node.sock" --maxmemory 2gb --loglevel warn
NODE=$LAST_PID
PORT=$(bench_ready_field "$READY" port)
echo "jvmstart $(awk -v hz="$(getconf CLK_TCK)" '{print $22 / hz}' /proc/$NODE/stat)" >>"$OUT/marks"
bench_redis "$OUT"

# snap PID LABEL -> one line per thread: label tid name cpu_ns runq_wait_ns slices utime stime
# voluntary_switches involuntary_switches
snap() {
  local t
  for t in /proc/$1/task/*; do
    echo "$2 $(basename "$t") $(tr ' ' '_' <"$t/comm") $(cat "$t/schedstat") $(awk '{print $14, $15}' "$t/stat") $(awk '/voluntary/ {printf "%s ", $2}' "$t/status")"
  done
}
for a in "-p $PORT" "-s $OUT/node.sock" "-p $R_PORT" "-s $R_SOCK"; do
  # shellcheck disable=SC2086
  redis-benchmark $a -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
  # shellcheck disable=SC2086
  redis-benchmark $a -c 50 -n 200000 -d 100 -r 100000 -t get,set -q >/dev/null
done
i=0
for spec in "$@"; do
  i=$((i + 1)); cell="$spec#$i"
  IFS=: read -r transport test pipeline <<<"$spec"; n=100000; [ "$pipeline" -gt 1 ] && n=500000
  for who in node redis; do
    if [ $who = node ]; then
      pid=$NODE; if [ "$transport" = tcp ]; then a="-p $PORT"; else a="-s $OUT/node.sock"; fi
    else
      pid=$R_PID; if [ "$transport" = tcp ]; then a="-p $R_PORT"; else a="-s $R_SOCK"; fi
    fi
    snap "$pid" before >"$OUT/$cell.$who.snap"
    echo "$cell $who start $(awk '{print $1}' /proc/uptime)" >>"$OUT/marks"
    if [ "${PERF_CELL:-}" = "$cell" ]; then
      perf sched record -a -o "$OUT/$who.sched.data" -- sleep 0.6 >/dev/null 2>&1 &
      perf_pid=$!
    fi
    # shellcheck disable=SC2086
    r=$(timeout 120 redis-benchmark $a -c 50 -n $n -d 100 -r 100000 -P "$pipeline" -t "$test" --csv 2>/dev/null \
      | awk -F, 'NR==2 {gsub(/"/, ""); print $2, $7, $8}')
    [ "${PERF_CELL:-}" = "$cell" ] && wait "$perf_pid"
    echo "$cell $who end $(awk '{print $1}' /proc/uptime)" >>"$OUT/marks"
    snap "$pid" after >>"$OUT/$cell.$who.snap"
    echo "$cell $who $r" | tee -a "$OUT/results"
  done
done
bench_cleanup
echo "columns above: ops/s, p99 ms, max ms; below, per thread over each cell (threads under 2 ms of CPU left out)"
python3 - "$OUT" "$@" <<'PY'
import sys
out = sys.argv[1]
for i, spec in enumerate(sys.argv[2:]):
    cell = "%s#%d" % (spec, i + 1)
    for who in ("node", "redis"):
        before, after = {}, {}
        for line in open(f"{out}/{cell}.{who}.snap"):
            p = line.split()
            if len(p) < 10:
                continue
            (before if p[0] == "before" else after)[p[1]] = (p[2], *map(int, p[3:6]), int(p[9]))
        print(cell, who)
        for tid, (name, cpu, wait, slices, invol) in after.items():
            if tid not in before:
                continue
            _, cpu0, wait0, slices0, invol0 = before[tid]
            if cpu - cpu0 < 2e6:
                continue
            print("  %-22s cpu %7.1f ms  runq-wait %7.1f ms  slices %7d  involuntary %6d"
                  % (name, (cpu - cpu0) / 1e6, (wait - wait0) / 1e6, slices - slices0, invol - invol0))
PY
if [ -n "${PERF_CELL:-}" ] && [ -f "$OUT/node.sched.data" ]; then
  for who in node redis; do
    loop=tiercel-io; [ $who = redis ] && loop=redis-server
    echo "$who: what took the CPU when $loop was preempted (perf sched, 0.6 s of $PERF_CELL)"
    perf script -i "$OUT/$who.sched.data" -F trace 2>/dev/null \
      | awk -v loop="prev_comm=$loop" '$0 ~ loop && /prev_state=R/ {sub(/.*next_comm=/, ""); sub(/ .*/, ""); sub(/[0-9:\/-]*$/, ""); print}' \
      | sort | uniq -c | sort -rn | head -5
    echo "$who: per task and CPU, run time and slices"
    perf sched timehist -i "$OUT/$who.sched.data" 2>/dev/null | awk 'NR > 3 {
        name = $3; sub(/\[[0-9\/]+\]$/, "", name)
        if (name ~ /tiercel-io|redis-benchmark|redis-server/) { k = name " cpu" $2; s[k] += $NF; n[k]++ }
      } END { for (k in s) printf "  %-34s %8.1f ms %7d slices\n", k, s[k], n[k] }' | sort
  done
fi
