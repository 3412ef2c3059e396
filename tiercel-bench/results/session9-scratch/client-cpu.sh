#!/bin/bash
# client-side CPU per request: redis-benchmark against the agent (UNIX) and redis (TCP)
set -u
W=/tmp/cc/w; rm -rf $W; mkdir -p $W
cd /work/main
bin/tiercel server --port 0 --loglevel warn > $W/node.out 2>&1 & NP=$!
for i in $(seq 50); do grep -q ready $W/node.out && break; sleep 0.2; done
NPORT=$(grep -o 'ready port=[0-9]*' $W/node.out | head -1 | cut -d= -f2)
bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:$NPORT --loglevel warn > $W/agent.out 2>&1 & AP=$!
for i in $(seq 50); do grep -q ready $W/agent.out && break; sleep 0.2; done
redis-server --port 44389 --unixsocket $W/r.sock --save '' --appendonly no --daemonize no > $W/redis.out 2>&1 & RP=$!
sleep 1
cpu() { cat /proc/$1/task/*/schedstat | awk '{c+=$1} END{printf "%d", c}'; }
one() { # label pid addr
  local c0=$(cpu $2) t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o $W/t redis-benchmark $3 -c 50 -n 200000 -d 100 -r 100000 -t get --csv 2>/dev/null | awk -F, 'NR==2{gsub(/"/,""); printf "%s ", $2}'
  local c1=$(cpu $2)
  awk -v s="$(cat $W/t)" -v c=$((c1-c0)) -v l=$1 'BEGIN{split(s,f," "); printf "%-12s client %.2f us/req  server %.2f us/req\n", l, (f[1]+f[2])*1e6/200000, c/1e3/200000}'
}
redis-benchmark -s $W/a.sock -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
redis-benchmark -s $W/r.sock -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
for r in 1 2 3; do
  one agent-unix $AP "-s $W/a.sock"
  one redis-tcp $RP "-p 44389"
  one redis-unix $RP "-s $W/r.sock"
done
kill $NP $AP $RP
