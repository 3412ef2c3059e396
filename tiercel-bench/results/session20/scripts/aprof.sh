#!/usr/bin/env bash
# async-profiler (ctimer) on an agent during local GETs at pipeline 1 (TH client threads).
set -u
cd /work/main
TAG=${1:-agent}
W=/tmp/s20/aprof; mkdir -p $W; rm -f $W/*.sock
bin/tiercel server --port 7831 --maxmemory 2gb --loglevel warn > $W/n.log 2>&1 &
sleep 5
bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:7831 --maxmemory 1gb --loglevel warn > $W/a.log 2>&1 &
sleep 6
AP=$(pgrep -f 'io.tiercel.*agent --unixsocket /tmp/s20/aprof' | head -1)
redis-benchmark -s $W/a.sock -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
redis-benchmark -s $W/a.sock -c 50 -n 400000 -d 100 -r 100000 -t get -q >/dev/null
SO=/tmp/ap/linux-x64/libasyncProfiler.so
jcmd $AP JVMTI.agent_load $SO "\"start,event=ctimer,interval=500000\"" >/dev/null
redis-benchmark -s $W/a.sock -c 50 -n ${N:-1000000} ${TH:+--threads $TH} -d 100 -r 100000 -t get -q | tail -1
jcmd $AP JVMTI.agent_load $SO "\"stop,flat=45,traces=0,file=$W/$TAG.flat\"" >/dev/null
jcmd $AP JVMTI.agent_load $SO "\"stop,collapsed,threads,file=$W/$TAG.collapsed\"" >/dev/null
kill %1 %2; wait
