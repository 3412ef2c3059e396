#!/usr/bin/env bash
# Tiercel vs Redis vs memcached under the same load, in one run: GET/SET 9:1 over 100,000 keys
# drawn Zipf(0.99), 100-byte values, at 1, 50 and 200 clients, closed loop (pipeline 1) and open
# loop (a fixed rate, latency from the intended send time). Every cell is one `bin/tiercel bench
# load` run per system, the systems interleaved cell by cell. Writes one JSON per run, report.html
# (bench report) and table.md (the table in docs/benchmarks.md) under the output directory.
#
#   flock /tmp/tiercel-mvn.lock tiercel-bench/src/main/sh/load-matrix.sh [OUT_DIR]
#
# Environment: DURATION (10s), WARMUP (2s), RATE (open-loop requests/s, 20000), CLIENTS
# ("1 50 200"), KEYS (100000), REBUILD=1 to rebuild the distribution first.
# Needs redis-server and memcached (dev-support/install-deps.sh). Servers run on loopback, on
# free ports, and are stopped by PID at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../../.." && pwd)
out=${1:-$root/tiercel-bench/results/load}
duration=${DURATION:-10s}
warmup=${WARMUP:-2s}
rate=${RATE:-20000}
clients_list=${CLIENTS:-1 50 200}
keys=${KEYS:-100000}
tiercel="$root/bin/tiercel"
mkdir -p "$out"
work=$(mktemp -d)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port, name: bounded wait until the port accepts connections
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "load-matrix: $2 did not open port $1" >&2
  exit 1
}

if [[ "${REBUILD:-0}" == 1 ]] || ! compgen -G "$root/tiercel-dist/target/lib/tiercel-dist-*.jar" >/dev/null; then
  (cd "$root" && mvn -B -q -ntp -DskipTests package -pl tiercel-dist -am)
fi

# Tiercel: port 0, the port read from its ready line.
"$tiercel" server --port 0 --unixsocket "$work/tiercel.sock" --loglevel warn >"$work/tiercel.log" 2>&1 &
pids+=($!)
tiercel_port=
for _ in $(seq 1 300); do
  tiercel_port=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$work/tiercel.log" | head -1)
  [[ -n "$tiercel_port" ]] && break
  sleep 0.05
done
[[ -n "$tiercel_port" ]] || { echo "load-matrix: no ready line from tiercel" >&2; cat "$work/tiercel.log" >&2; exit 1; }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  >"$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port" redis-server

memcached_port=$(free_port)
mc_user=()
[[ $(id -u) == 0 ]] && mc_user=(-u root)
memcached -p "$memcached_port" -U 0 -l 127.0.0.1 -m 256 -t 2 "${mc_user[@]}" >"$work/memcached.log" 2>&1 &
pids+=($!)
wait_port "$memcached_port" memcached

declare -A target=(
  [tiercel]="resp://127.0.0.1:$tiercel_port"
  [redis]="resp://127.0.0.1:$redis_port"
  [memcached]="memcache://127.0.0.1:$memcached_port"
)
systems=(tiercel redis memcached)
{
  echo "# $(date -u +%FT%TZ) $(nproc) cpus; $(redis-server --version | cut -d' ' -f1-3); memcached $(memcached -V | cut -d' ' -f2)"
  echo "# tiercel ${target[tiercel]}  redis ${target[redis]}  memcached ${target[memcached]}"
} >"$out/matrix.log"

rm -f "$out"/*.json
declare -A filled=()
for mode in closed open; do
  for clients in $clients_list; do
    for system in "${systems[@]}"; do
      args=(--target "${target[$system]}" --clients "$clients" --ratio 9:1 --keys "$keys"
        --distribution zipf:0.99 --value-size 100 --warmup "$warmup" --duration "$duration"
        --seed 1 --label "$system" --json "$out/$mode-c$clients-$system.json")
      if [[ $mode == open ]]; then args+=(--rate "$rate" --pipeline 64); fi
      if [[ -z "${filled[$system]:-}" ]]; then args+=(--fill); filled[$system]=1; fi
      echo "## bench load ${args[*]}" >>"$out/matrix.log"
      "$tiercel" bench load "${args[@]}" >>"$out/matrix.log" 2>&1 || {
        echo "load-matrix: $system $mode $clients clients failed; see $out/matrix.log" >&2
        exit 1
      }
    done
  done
done

files=()
for mode in closed open; do
  for clients in $clients_list; do
    for system in "${systems[@]}"; do files+=("$out/$mode-c$clients-$system.json"); done
  done
done
"$tiercel" bench report "${files[@]}" --html "$out/report.html" --markdown "$out/table.md" \
  --title "Tiercel vs Redis vs memcached: GET/SET 9:1, Zipf 0.99, 100 B values" >>"$out/matrix.log"
cat "$out/table.md"
