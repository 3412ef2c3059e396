#!/usr/bin/env bash
# Throughput of one node's HTTP GET /caches/default/keys/{key} (wrk, keep-alive) next to its RESP
# GET (redis-benchmark), same key size, same number of connections, one node, same machine.
# The load is bounded: a fixed number of connections for a fixed time (wrk) or a fixed number of
# requests (redis-benchmark), closed-loop, no pipelining.
#
#   bench/http-vs-resp.sh                       # 16 connections, 10 s (wrk), 200000 GETs (RESP)
#   CONNECTIONS=32 DURATION=20 REQUESTS=400000 VALUE_BYTES=100 bench/http-vs-resp.sh
#
# Runs under the shared build lock (/tmp/tiercel-mvn.lock), like every benchmark here.
# Needs wrk, redis-benchmark and redis-cli (dev-support/install-deps.sh installs them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_lock "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-10}"
REQUESTS="${REQUESTS:-200000}"
VALUE_BYTES="${VALUE_BYTES:-100}"
KEY="bench:key"

bench_require http-vs-resp wrk redis-benchmark redis-cli curl

work="$(mktemp -d)"
cleanup() {
  bench_cleanup
  rm -rf "$work"
}
trap cleanup EXIT

bench_start "$work" node bin/tiercel server --port 0 --http-port 0 --loglevel warn
ready="$READY"
port="$(bench_ready_field "$ready" port)"
http="$(bench_ready_field "$ready" http)"

value="$(head -c "$VALUE_BYTES" /dev/zero | tr '\0' 'x')"
redis-cli -p "$port" set "$KEY" "$value" >/dev/null
url="http://127.0.0.1:$http/caches/default/keys/$KEY"
[[ "$(curl -s "$url")" == "$value" ]] || { echo "http-vs-resp: HTTP GET returned a wrong value" >&2; exit 1; }

echo "node: $ready ($(nproc) cores, value $VALUE_BYTES bytes, $CONNECTIONS connections)"
echo "# warm-up (not reported): wrk 5 s, redis-benchmark 100000 GETs"
wrk -t1 -c"$CONNECTIONS" -d5s "$url" >/dev/null
redis-benchmark -p "$port" -c "$CONNECTIONS" -n 100000 -d "$VALUE_BYTES" -t get -q >/dev/null

echo "# HTTP: wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency $url"
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" | tee "$work/wrk"
http_rps="$(awk '/Requests\/sec/ {print $2}' "$work/wrk")"
non2xx="$(awk '/Non-2xx/ {print $NF}' "$work/wrk")"
[[ -z "$non2xx" ]] || { echo "http-vs-resp: $non2xx non-2xx responses" >&2; exit 1; }

# redis-benchmark's GET reads key:__rand_int__ (one key without -r); store it with the same size.
redis-cli -p "$port" set "key:__rand_int__" "$value" >/dev/null
echo "# RESP: redis-benchmark -p $port -c $CONNECTIONS -n $REQUESTS -d $VALUE_BYTES -t get"
redis-benchmark -p "$port" -c "$CONNECTIONS" -n "$REQUESTS" -d "$VALUE_BYTES" -t get \
  | tee "$work/rb" | grep -E 'throughput summary|latency summary' -A2 || true
resp_rps="$(awk '/throughput summary/ {print $3}' "$work/rb")"

echo
printf 'summary: HTTP GET %s req/s, RESP GET %s req/s, HTTP/RESP = %s\n' "$http_rps" "$resp_rps" \
  "$(awk -v h="$http_rps" -v r="$resp_rps" 'BEGIN {printf "%.2f", h / r}')"
