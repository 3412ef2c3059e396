#!/usr/bin/env bash
# Where a local GET's CPU goes: the agent (bin/tiercel agent, UNIX socket) beside a redis-server
# (UNIX socket), each profiled while redis-benchmark runs 400k GETs at it (50 clients, 100-byte
# values, 100k keys, pipeline 1, after a pipelined fill and a warm-up).
#
#   bench/agent-get-perf.sh OUT_PREFIX ["AGENT JVM OPTIONS"]
#
# Writes OUT_PREFIX.agent.stat / .redis.stat (perf stat: epoll waits, reads, writes, context
# switches, task-clock) and OUT_PREFIX.agent.data / .redis.data (perf record -g, 2999 Hz), plus
# OUT_PREFIX.map (the JIT's symbol map), then prints the ops/s of each run. Read a profile with
#   cp OUT_PREFIX.map /tmp/perf-$(cat OUT_PREFIX.pid).map
#   perf report -i OUT_PREFIX.agent.data --no-children --sort sym --stdio
# Needs perf with access to kernel stacks (root, or kernel.perf_event_paranoid <= 1).
# Runs under the shared build lock, like every benchmark here.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
[[ $# -ge 1 ]] || bench_usage
OUT="$1"
OPTS="${2:-}"
bench_require agent-get-perf redis-server redis-cli redis-benchmark perf
trap bench_cleanup EXIT
W="$(mktemp -d /tmp/tiercel-agent-perf.XXXXXX)"
bench_start "$W" node "$HOME_DIR/bin/tiercel" server --port 0 --maxmemory 1gb --loglevel warn
PORT="$(bench_ready_field "$READY" port)"
TIERCEL_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit $OPTS" \
  bench_start "$W" agent "$HOME_DIR/bin/tiercel" agent \
  --unixsocket "$W/a.sock" --nodes "127.0.0.1:$PORT" --maxmemory 1gb --loglevel warn
APID=$LAST_PID
bench_redis "$W"
get() { bench_rb -s "$1" -c 50 -n 400000 -d 100 -r 100000 -t get; }
bench_rb -s "$W/a.sock" -c 50 -n 1000000 -P 16 -d 100 -r 100000 -t set >/dev/null
bench_rb -s "$R_SOCK" -c 50 -n 1000000 -P 16 -d 100 -r 100000 -t set >/dev/null
get "$W/a.sock" >/dev/null
# profiled NAME PID SOCKET PERF-ARGS... -> runs 400k GETs at SOCKET while perf watches PID.
profiled() {
  local name="$1" pid="$2" sock="$3" p
  shift 3
  perf "$@" -p "$pid" &
  p=$!
  sleep 0.3
  echo "$name get $(get "$sock")"
  kill -INT "$p"
  wait "$p" || true
}
profiled agent-stat "$APID" "$W/a.sock" stat -o "$OUT.agent.stat" -e \
  'syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,context-switches,task-clock'
profiled redis-stat "$R_PID" "$R_SOCK" stat -o "$OUT.redis.stat" -e \
  'syscalls:sys_enter_epoll_wait,syscalls:sys_enter_read,syscalls:sys_enter_write,context-switches,task-clock'
profiled agent-record "$APID" "$W/a.sock" record -q -F 2999 -g -o "$OUT.agent.data"
profiled redis-record "$R_PID" "$R_SOCK" record -q -F 2999 -g -o "$OUT.redis.data"
kill "$APID"
for _ in $(seq 1 50); do
  [[ -e /tmp/perf-$APID.map ]] && ! kill -0 "$APID" 2>/dev/null && break
  sleep 0.1
done
cp "/tmp/perf-$APID.map" "$OUT.map" 2>/dev/null || echo "agent-get-perf: no JIT map written" >&2
echo "$APID" >"$OUT.pid"
