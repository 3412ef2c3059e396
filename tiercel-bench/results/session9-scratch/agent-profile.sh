#!/bin/bash
set -u
W=/tmp/ap/w; rm -rf $W; mkdir -p $W
cd /work/main
bin/tiercel server --port 0 --loglevel warn > $W/node.out 2>&1 & NP=$!
for i in $(seq 50); do grep -q ready $W/node.out && break; sleep 0.2; done
NPORT=$(grep -o 'ready port=[0-9]*' $W/node.out | head -1 | cut -d= -f2)
TIERCEL_JAVA_OPTS="-agentpath:/tmp/ap/linux-x64/libasyncProfiler.so=start,event=cpu,interval=200us,file=$W/agent.collapsed,collapsed" bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:$NPORT --loglevel warn > $W/agent.out 2>&1 & AP=$!
for i in $(seq 100); do grep -q ready $W/agent.out && break; sleep 0.2; done
redis-benchmark -s $W/a.sock -c 50 -n 300000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
redis-benchmark -s $W/a.sock -c 50 -n 2000000 -d 100 -r 100000 -t get -q | tr '\r' '\n' | grep "per sec"
kill $AP; wait $AP; kill $NP
