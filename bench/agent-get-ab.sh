#!/usr/bin/env bash
# Local GET through one agent under two (or more) sets of agent JVM options, alternated, to see
# whether a JVM flag moves the agent's serving path (the record is bench/agent-bench.sh).
#
#   bench/agent-get-ab.sh "OPTS A" "OPTS B" [...]     e.g.
#   bench/agent-get-ab.sh "-XX:+UseZGC" "-XX:+UseZGC --sun-misc-unsafe-memory-access=allow"
#
# For each option set in turn: a node and agent A (bin/tiercel, TIERCEL_JAVA_OPTS=OPTS for the
# agent only), 1M pipelined SETs to fill 100k keys, one GET warm-up, then 3 rounds of
# redis-benchmark GET (50 clients, 100-byte values, pipeline 1); prints "get ops/s p99_ms".
# A JFR profile: pass "-XX:+UseZGC -Xlog:jfr+startup=off -XX:StartFlightRecording=filename=F".
# Runs under the shared build lock, like every benchmark here.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
[[ $# -ge 1 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
bench_require agent-get-ab redis-benchmark
trap bench_cleanup EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for opts in "$@"; do
  W="$(mktemp -d /tmp/tiercel-agent-ab.XXXXXX)"
  bench_start "$W" node "$HOME_DIR/bin/tiercel" server --port 0 --maxmemory 1gb --loglevel warn
  PORT="$(bench_ready_field "$READY" port)"
  TIERCEL_JAVA_OPTS="$opts" bench_start "$W" agent "$HOME_DIR/bin/tiercel" agent \
    --unixsocket "$W/a.sock" --nodes "127.0.0.1:$PORT" --maxmemory 1gb --loglevel warn
  echo "== agent options: $opts"
  bench_rb -s "$W/a.sock" -c 50 -n 1000000 -P 16 -d 100 -r 100000 -t set >/dev/null
  bench_rb -s "$W/a.sock" -c 50 -n 200000 -d 100 -r 100000 -t get >/dev/null
  for _ in 1 2 3; do
    echo "get $(bench_rb -s "$W/a.sock" -c 50 -n 200000 -d 100 -r 100000 -t get)"
  done
  bench_cleanup
  BENCH_PIDS=()
  rm -f "$W"/*.sock
done
