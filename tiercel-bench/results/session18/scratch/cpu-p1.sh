#!/usr/bin/env bash
# Scratch (session 18): a CPU profile (async-profiler, itimer, from the node's start) of a node
# serving redis-benchmark GET at pipeline 1 over TCP after a short SET fill; prints the node's CPU
# per GET. The profile includes start-up and the fill: read it by the GET path's frames.
#   flock /tmp/tiercel-mvn.lock tiercel-bench/results/session18/scratch/cpu-p1.sh OUT
set -u
AP=/tmp/ap/linux-x64/libasyncProfiler.so
OUT=$1; mkdir -p "$OUT"
cd "$(dirname "$0")/../../../.."
TIERCEL_JAVA_OPTS="-agentpath:$AP=start,event=itimer,interval=500us,file=$OUT/cpu.collapsed,collapsed" \
  bin/tiercel server --port 0 --maxmemory 2gb --loglevel warn >"$OUT/node.out" 2>&1 &
NP=$!
trap 'kill $NP; wait $NP' EXIT
for _ in $(seq 300); do grep -q ready "$OUT/node.out" && break; sleep 0.2; done
PORT=$(grep -o 'ready port=[0-9]*' "$OUT/node.out" | cut -d= -f2)
redis-benchmark -p "$PORT" -c 50 -n 300000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
c0=$(awk '{print $14+$15}' /proc/$NP/stat)
redis-benchmark -p "$PORT" -c 50 -n 600000 -d 100 -r 100000 -t get -q | tr '\r' '\n' | grep "per sec"
c1=$(awk '{print $14+$15}' /proc/$NP/stat)
echo "node CPU: $(( (c1-c0) * 10000 / 600 )) ns per GET"
