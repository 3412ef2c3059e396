#!/usr/bin/env bash
# Local GET through one agent under two (or more) sets of agent JVM options, or two (or more)
# built checkouts, alternated, to see whether a change moves the agent's serving path (the record
# is bench/agent-bench.sh).
#
#   bench/agent-get-ab.sh "OPTS A" "OPTS B" [...]     e.g.
#   bench/agent-get-ab.sh "-XX:+UseZGC" "-XX:+UseZGC --sun-misc-unsafe-memory-access=allow"
#   bench/agent-get-ab.sh --trees DIR_A DIR_B [...]   (each DIR's bin/tiercel, default options)
#
# For each option set (or checkout) in turn: a node and agent A (bin/tiercel, TIERCEL_JAVA_OPTS=OPTS
# for the agent only), 1M pipelined SETs to fill 100k keys, one GET warm-up, then 3 rounds of
# redis-benchmark GET (50 clients, 100-byte values, pipeline 1); prints "get ops/s p99_ms" and the
# agent's CPU per GET in microseconds with its user/system split (/proc/PID/task/*/schedstat and
# /proc/PID/stat), which moves with a change to the agent even when redis-benchmark, not the
# agent, limits the ops/s (on 2 cores it mostly does).
# A JFR profile: pass "-XX:+UseZGC -Xlog:jfr+startup=off -XX:StartFlightRecording=filename=F".
# Runs under the shared build lock, like every benchmark here.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
TREES=0
if [[ "${1:-}" == --trees ]]; then
  TREES=1
  shift
fi
[[ $# -ge 1 ]] || bench_usage
bench_require agent-get-ab redis-benchmark
trap bench_cleanup EXIT
# cpu_of PID -> "cpu_ns user_ticks system_ticks": the CPU time of all the process's threads
# (schedstat, in ns) and its user/system split (stat, in clock ticks).
cpu_of() {
  echo "$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{c += $1} END {print c}')" \
    "$(awk '{print $14, $15}' /proc/"$1"/stat)"
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for arg in "$@"; do
  if [[ "$TREES" == 1 ]]; then
    tiercel="$arg/bin/tiercel"
    opts=""
    label="checkout: $arg ($(git -C "$arg" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  else
    tiercel="$HOME_DIR/bin/tiercel"
    opts="$arg"
    label="agent options: $opts"
  fi
  W="$(mktemp -d /tmp/tiercel-agent-ab.XXXXXX)"
  bench_start "$W" node "$tiercel" server --port 0 --maxmemory 1gb --loglevel warn
  PORT="$(bench_ready_field "$READY" port)"
  TIERCEL_JAVA_OPTS="$opts" bench_start "$W" agent "$tiercel" agent \
    --unixsocket "$W/a.sock" --nodes "127.0.0.1:$PORT" --maxmemory 1gb --loglevel warn
  AGENT_PID=$LAST_PID
  echo "== $label"
  bench_rb -s "$W/a.sock" -c 50 -n 1000000 -P 16 -d 100 -r 100000 -t set >/dev/null
  bench_rb -s "$W/a.sock" -c 50 -n 200000 -d 100 -r 100000 -t get >/dev/null
  for _ in 1 2 3; do
    read -r c0 u0 s0 < <(cpu_of "$AGENT_PID")
    result="$(bench_rb -s "$W/a.sock" -c 50 -n 200000 -d 100 -r 100000 -t get)"
    read -r c1 u1 s1 < <(cpu_of "$AGENT_PID")
    awk -v r="$result" -v c=$((c1 - c0)) -v u=$((u1 - u0)) -v s=$((s1 - s0)) 'BEGIN {
      printf "get %s  agent cpu/GET %.2f us (user %.0f %%, system %.0f %%)\n", r,
        c / 1e3 / 200000, u + s ? 100 * u / (u + s) : 0, u + s ? 100 * s / (u + s) : 0 }'
  done
  bench_cleanup
  BENCH_PIDS=()
  rm -f "$W"/*.sock
done
