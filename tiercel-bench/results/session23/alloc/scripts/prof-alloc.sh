#!/usr/bin/env bash
# Session 23: allocation profile (async-profiler, event=alloc) of agent A, agent B and the node
# during bench/agent-bench.sh --sync-only's steady phase (from 25 s to 45 s after the start, the
# last 20 s of the 30 s of writes before the steady window). Needs async-profiler at $SO.
# Usage: prof-alloc.sh OUTPREFIX   -> OUTPREFIX.bench.txt, OUTPREFIX.{a,b,node}.collapsed
set -u
SO=${SO:-/tmp/ap/linux-x64/libasyncProfiler.so}
OUT=${1:?OUTPREFIX}
ROOT="$(cd "$(dirname "$0")/../../../../.." && pwd)"
cd "$ROOT"
bench/agent-bench.sh --sync-only > "$OUT.bench.txt" 2>&1 &
B=$!
declare -A PIDS
for i in $(seq 1 150); do
  PIDS[a]=$(pgrep -f -- "unixsocket .*/a.sock" | head -1)
  PIDS[b]=$(pgrep -f -- "unixsocket .*/b.sock" | head -1)
  PIDS[node]=$(pgrep -f -- "io.tiercel.dist.Main server --port 0 --maxmemory 2gb" | head -1)
  [[ -n "${PIDS[a]}" && -n "${PIDS[b]}" && -n "${PIDS[node]}" ]] && break
  sleep 0.2
done
echo "pids: a ${PIDS[a]} b ${PIDS[b]} node ${PIDS[node]}"
sleep 25
for w in a b node; do
  jcmd "${PIDS[$w]}" JVMTI.agent_load "$SO" "\"start,event=alloc\"" >/dev/null
done
sleep 20
for w in a b node; do
  jcmd "${PIDS[$w]}" JVMTI.agent_load "$SO" "\"stop,collapsed,file=$OUT.$w.collapsed\"" >/dev/null
done
wait $B
