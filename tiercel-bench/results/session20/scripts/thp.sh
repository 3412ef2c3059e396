#!/usr/bin/env bash
# The node's probe share at pipeline 1 with 100k keys under a given JVM (TIERCEL_JAVA_OPTS), and its huge pages.
set -u
cd /work/main
TAG=$1
W=/tmp/s20/prof; mkdir -p $W; rm -f $W/*.sock
bin/tiercel server --port 7811 --unixsocket $W/t.sock > $W/t.log 2>&1 &
T=$!
sleep 6
redis-benchmark -s $W/t.sock -c 50 -n 600000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
redis-benchmark -s $W/t.sock -c 50 -n 300000 -d 100 -r 100000 -t get -q >/dev/null
JP=$(pgrep -f 'io.tiercel' | head -1)
grep -E "AnonHugePages|ShmemPmdMapped|FilePmdMapped|Rss" /proc/$JP/smaps_rollup
SO=/tmp/ap/linux-x64/libasyncProfiler.so
jcmd $JP JVMTI.agent_load $SO "\"start,event=ctimer,interval=500000\"" >/dev/null
redis-benchmark -s $W/t.sock -c 50 -n 1000000 --threads 2 -d 100 -r 100000 -t get -q | tail -1
jcmd $JP JVMTI.agent_load $SO "\"stop,collapsed,threads,file=$W/$TAG-get-p1.collapsed\"" >/dev/null
kill $T; wait
