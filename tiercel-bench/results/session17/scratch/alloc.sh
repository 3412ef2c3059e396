#!/usr/bin/env bash
set -u
AP=/tmp/ap/linux-x64/libasyncProfiler.so
TEST=$1; W=/tmp/s17/alloc-$TEST; rm -rf $W; mkdir -p $W
cd /work/main
TIERCEL_JAVA_OPTS="-agentpath:$AP=start,event=alloc,alloc=1,file=$W/a.collapsed,collapsed,total" \
  bin/tiercel server --port 0 --unixsocket $W/t.sock --maxmemory 2gb --loglevel warn > $W/node.out 2>&1 & NP=$!
for _ in $(seq 100); do grep -q ready $W/node.out && break; sleep 0.2; done
redis-benchmark -s $W/t.sock -c 50 -n 1000000 -d 100 -r 100000 -P ${P:-16} -t set -q | tr '\r' '\n' | grep "per sec"
redis-benchmark -s $W/t.sock -c 50 -n 2000000 -d 100 -r 100000 -P ${P:-16} -t $TEST -q | tr '\r' '\n' | grep "per sec"
kill $NP; wait $NP
