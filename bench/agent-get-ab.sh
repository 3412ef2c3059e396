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
if [[ -z "${TIERCEL_BENCH_LOCKED:-}" ]]; then
  exec env TIERCEL_BENCH_LOCKED=1 flock /tmp/tiercel-mvn.lock "$0" "$@"
fi
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 1 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for opts in "$@"; do
  W="$(mktemp -d /tmp/tiercel-agent-ab.XXXXXX)"
  "$HOME_DIR/bin/tiercel" server --port 0 --maxmemory 1gb --loglevel warn >"$W/node.out" 2>"$W/node.err" &
  NP=$!
  for _ in $(seq 1 300); do grep -q '^ready' "$W/node.out" 2>/dev/null && break; sleep 0.2; done
  PORT="$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$W/node.out")"
  TIERCEL_JAVA_OPTS="$opts" "$HOME_DIR/bin/tiercel" agent --unixsocket "$W/a.sock" \
    --nodes "127.0.0.1:$PORT" --maxmemory 1gb --loglevel warn >"$W/agent.out" 2>"$W/agent.err" &
  AP=$!
  for _ in $(seq 1 300); do grep -q '^ready' "$W/agent.out" 2>/dev/null && break; sleep 0.2; done
  echo "== agent options: $opts"
  timeout 300 redis-benchmark -s "$W/a.sock" -c 50 -n 1000000 -P 16 -d 100 -r 100000 -t set --csv >/dev/null 2>&1
  timeout 300 redis-benchmark -s "$W/a.sock" -c 50 -n 200000 -d 100 -r 100000 -t get --csv >/dev/null 2>&1
  for _ in 1 2 3; do
    timeout 300 redis-benchmark -s "$W/a.sock" -c 50 -n 200000 -d 100 -r 100000 -t get --csv \
      2>/dev/null | awk -F, 'NR == 2 { gsub(/"/, ""); print "get", $2, $7 }'
  done
  kill "$AP" "$NP" 2>/dev/null || true
  wait "$AP" "$NP" 2>/dev/null || true
  rm -f "$W"/*.sock
done
