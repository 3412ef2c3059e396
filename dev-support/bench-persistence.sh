#!/usr/bin/env bash
# Persistence benchmark (issue 4): loads KEYS keys with VALUE-byte values into a Tiercel node and
# into redis-server with the same settings, and reports
#   - snapshot write time and size (SAVE),
#   - restart time with that snapshot (process start to ready, and the load itself),
#   - SET throughput with appendonly no / everysec / always (redis-benchmark, same run) and the
#     ratio of each to "no".
# Run it under the shared lock, from the repository root:
#   flock /tmp/tiercel-mvn.lock dev-support/bench-persistence.sh
# Environment: KEYS (1000000), VALUE (100), OPS (400000 SETs per throughput run), CLIENTS (50),
# ROUNDS (1: throughput rounds; each round runs no/everysec/always in turn, the summary gives the
# median ratio), PARTS (all | throughput).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS="${KEYS:-1000000}"
VALUE="${VALUE:-100}"
OPS="${OPS:-400000}"
CLIENTS="${CLIENTS:-50}"
ROUNDS="${ROUNDS:-1}"
PARTS="${PARTS:-all}"
WORK="$(mktemp -d /tmp/tiercel-bench-persist.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

source "$ROOT/bench/lib.sh"
bench_require bench-persistence redis-server redis-cli redis-benchmark python3
if ! compgen -G "$ROOT/tiercel-dist/target/lib/tiercel-dist-*.jar" >/dev/null; then
  echo "bench-persistence: build first: mvn -B -ntp -q -DskipTests package -pl tiercel-dist -am" >&2
  exit 1
fi

now_ms() { date +%s%3N; }

# Writes KEYS SET commands in RESP to $WORK/load.resp (key:N -> VALUE bytes).
make_load() {
  python3 - "$KEYS" "$VALUE" "$WORK/load.resp" <<'PY'
import sys
n, size, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
value = (b"v" * size)
with open(path, "wb", buffering=1 << 20) as f:
    for i in range(n):
        k = b"key:%d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, size, value))
PY
}

# start_tiercel DIR PORT FLAGS... ; sets TPID, and READY_MS to the ms from spawn to the ready line.
start_tiercel() {
  local dir="$1" port="$2"; shift 2
  mkdir -p "$dir"
  local t0; t0=$(now_ms)
  coproc TIERCEL { TIERCEL_JAVA_OPTS="-Xmx6g -XX:+AlwaysPreTouch" exec "$ROOT/bin/tiercel" server \
    --port "$port" --http-port 0 --unixsocket '' --dir "$dir" --maxmemory 4gb --loglevel info "$@" \
    2>>"$dir/node.log"; }
  TPID=$TIERCEL_PID
  PIDS+=("$TPID")
  local line=""
  # Skip anything printed before the ready line (logback's status lines when it finds two configs).
  while [[ "$line" != ready* ]]; do
    read -r line <&"${TIERCEL[0]}" || { echo "tiercel did not start" >&2; cat "$dir/node.log" >&2; exit 1; }
  done
  READY_MS=$(( $(now_ms) - t0 ))
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do sleep 0.1; done
}

# start_redis DIR PORT FLAGS... ; sets RPID, and READY_MS to the ms from spawn until PING answers.
start_redis() {
  local dir="$1" port="$2"; shift 2
  mkdir -p "$dir"
  local t0; t0=$(now_ms)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --logfile "$dir/redis.log" \
    "$@" >/dev/null 2>&1 &
  RPID=$!
  PIDS+=("$RPID")
  until [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; do sleep 0.01; done
  READY_MS=$(( $(now_ms) - t0 ))
}

load_keys() {
  redis-cli -p "$1" --pipe <"$WORK/load.resp" >/dev/null
  local n; n=$(redis-cli -p "$1" dbsize)
  [[ "$n" == "$KEYS" ]] || { echo "expected $KEYS keys, found $n" >&2; exit 1; }
}

throughput() {
  redis-benchmark -p "$1" -t set -n "$OPS" -r 1000000 -d "$VALUE" -c "$CLIENTS" -q 2>/dev/null \
    | tr '\r' '\n' | awk '/^SET:/ {print $2}' | tail -1
}

if [[ "$PARTS" == all ]]; then
echo "# generating $KEYS SETs of $VALUE-byte values"
make_load

echo "## snapshot and restart"
printf '%-8s %14s %14s %16s %16s\n' server "save_ms" "snapshot_MB" "restart_ready_ms" "load_ms"
# Tiercel: snapshots on (interval long enough not to fire), log off.
P=$(bench_free_port); D="$WORK/tiercel-snap"
start_tiercel "$D" "$P" --snapshot-interval 3600s
load_keys "$P"
t0=$(now_ms); redis-cli -p "$P" save >/dev/null; save_ms=$(( $(now_ms) - t0 ))
snap_bytes=$(find "$D/default" -name 'snapshot-*.tsnap' -printf '%s\n' | sort -n | tail -1)
stop_pid "$TPID"
start_tiercel "$D" "$P" --snapshot-interval 3600s; ready_ms=$READY_MS
[[ "$(redis-cli -p "$P" dbsize)" == "$KEYS" ]] || { echo "tiercel restart lost keys" >&2; exit 1; }
load_ms=$(grep -o 'recovered [0-9]* keys from [0-9.]* MB in [0-9]* ms' "$D/node.log" | tail -1 | awk '{print $(NF-1)}')
stop_pid "$TPID"
printf '%-8s %14s %14.1f %16s %16s\n' tiercel "$save_ms" "$(echo "$snap_bytes/1000000" | bc -l)" "$ready_ms" "$load_ms"

P=$(bench_free_port); D="$WORK/redis-snap"
start_redis "$D" "$P"
load_keys "$P"
t0=$(now_ms); redis-cli -p "$P" save >/dev/null; save_ms=$(( $(now_ms) - t0 ))
snap_bytes=$(stat -c %s "$D/dump.rdb")
redis-cli -p "$P" shutdown nosave >/dev/null 2>&1 || true
wait "$RPID" 2>/dev/null || true
start_redis "$D" "$P"; ready_ms=$READY_MS
load_s=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$D/redis.log" | tail -1 | awk '{print $5}')
redis-cli -p "$P" shutdown nosave >/dev/null 2>&1 || true
wait "$RPID" 2>/dev/null || true
printf '%-8s %14s %14.1f %16s %16.0f\n' redis "$save_ms" "$(echo "$snap_bytes/1000000" | bc -l)" "$ready_ms" "$(echo "$load_s*1000" | bc -l)"

fi

echo "## SET throughput by appendfsync (redis-benchmark -t set -n $OPS -r 1000000 -d $VALUE -c $CLIENTS)"
printf '%-6s %-8s %-12s %12s %10s\n' round server appendonly "SET_per_s" ratio
declare -A RATIOS
for round in $(seq 1 "$ROUNDS"); do
for server in tiercel redis; do
  base=""
  for mode in no everysec always; do
    P=$(bench_free_port); D="$WORK/$server-aof-$mode-$round"
    if [[ "$server" == tiercel ]]; then
      if [[ "$mode" == no ]]; then
        start_tiercel "$D" "$P" --snapshot-interval 0
      else
        start_tiercel "$D" "$P" --appendonly yes --appendfsync "$mode" --snapshot-interval 0
      fi
      rps=$(throughput "$P")
      stop_pid "$TPID"
    else
      if [[ "$mode" == no ]]; then
        start_redis "$D" "$P" --appendonly no
      else
        start_redis "$D" "$P" --appendonly yes --appendfsync "$mode"
      fi
      rps=$(throughput "$P")
      redis-cli -p "$P" shutdown nosave >/dev/null 2>&1 || true
      wait "$RPID" 2>/dev/null || true
    fi
    rm -rf "$D"
    [[ -z "$base" ]] && base="$rps"
    ratio=$(echo "$rps/$base" | bc -l)
    RATIOS[$server-$mode]+="$ratio "
    label=$mode; [[ "$mode" == no ]] && label="no(aof off)"
    printf '%-6s %-8s %-12s %12s %10.3f\n' "$round" "$server" "$label" "$rps" "$ratio"
  done
done
done
echo "## median ratio to appendonly no over $ROUNDS round(s)"
for key in tiercel-everysec tiercel-always redis-everysec redis-always; do
  median=$(echo "${RATIOS[$key]}" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-18s %6.3f\n' "$key" "$median"
done
