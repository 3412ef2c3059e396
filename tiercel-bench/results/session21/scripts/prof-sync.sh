#!/usr/bin/env bash
# Profiles agent A (or B/node via WHO) during agent-bench --sync-only's measured window.
set -u
SO=/tmp/ap/linux-x64/libasyncProfiler.so
OUT=${1:-/tmp/s21/sync-prof}
WHO=${WHO:-a.sock}
cd /work/main
bench/agent-bench.sh --sync-only > $OUT.bench.txt 2>&1 &
B=$!
pid=""
for i in $(seq 1 100); do
  pid=$(pgrep -f -- "unixsocket .*/$WHO" | head -1)
  [[ -n "$pid" ]] && break; sleep 0.2
done
[[ "$WHO" == node ]] && pid=$(pgrep -f -- "tiercel.* server --port 0" | head -1)
echo "pid $pid"
sleep 9
jcmd $pid JVMTI.agent_load $SO "\"start,${EVENT:-event=cpu,interval=200000}\"" >/dev/null
sleep 8
jcmd $pid JVMTI.agent_load $SO "\"stop,collapsed,${STOPOPT:-threads},file=$OUT.collapsed\"" >/dev/null
wait $B
