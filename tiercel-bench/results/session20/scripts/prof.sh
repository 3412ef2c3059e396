#!/usr/bin/env bash
# async-profiler (ctimer) on the node during a redis-benchmark run over UNIX; KEYS sets -r (default 100000).
set -u
cd /work/main
TEST=${1:-get}; P=${2:-1}; TAG=${3:-base}
W=/tmp/s20/prof; mkdir -p $W; rm -f $W/*.sock
bin/tiercel server --port 7811 --unixsocket $W/t.sock > $W/t.log 2>&1 &
T=$!
sleep 6
redis-benchmark -s $W/t.sock -c 50 -n 600000 -d 100 -r ${KEYS:-100000} -P $P -t set,get -q >/dev/null
JP=$(pgrep -f 'io.tiercel' | head -1)
SO=/tmp/ap/linux-x64/libasyncProfiler.so
jcmd $JP JVMTI.agent_load $SO "\"start,event=ctimer,interval=500000\"" >/dev/null
redis-benchmark -s $W/t.sock -c 50 -n ${N:-300000} ${TH:+--threads $TH} -d 100 -r ${KEYS:-100000} -P $P -t $TEST -q
jcmd $JP JVMTI.agent_load $SO "\"stop,flat=40,traces=0,file=$W/$TAG-$TEST-p$P.flat\"" >/dev/null
jcmd $JP JVMTI.agent_load $SO "\"stop,collapsed,threads,file=$W/$TAG-$TEST-p$P.collapsed\"" >/dev/null
kill $T; wait
