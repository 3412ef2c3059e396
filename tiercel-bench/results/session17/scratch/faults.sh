#!/usr/bin/env bash
set -u
W=/tmp/s17/faults-${TAG:-x}; rm -rf $W; mkdir -p $W
cd /work/main
TIERCEL_JAVA_OPTS="${OPTS:-}" bin/tiercel server --port 0 --maxmemory 2gb --loglevel warn > $W/node.out 2>&1 & NP=$!
for _ in $(seq 600); do grep -q ready $W/node.out && break; sleep 0.2; done
PORT=$(grep -o "port=[0-9]*" $W/node.out | head -1 | cut -d= -f2); [ -n "$PORT" ] || { echo no port; kill $NP; exit 1; }
redis-benchmark -p $PORT -c 50 -n ${WARM:-1000000} -d 100 -r 100000 -P 16 -t ${T:-set} -q | tr '\r' '\n' | grep "per sec"
s() { awk '{print $10, $12, $14+$15}' /proc/$NP/stat; }
read f0 j0 c0 < <(s)
redis-benchmark -p $PORT -c 50 -n 3000000 -d 100 -r 100000 -P 16 -t ${T:-set} -q | tr '\r' '\n' | grep "per sec"
read f1 j1 c1 < <(s)
echo "minflt $((f1-f0)) majflt $((j1-j0)) cpu_ticks $((c1-c0)) us/req $(echo "scale=2; ($c1-$c0)*10000/3000000" | bc)"
grep -E "VmRSS|VmHWM" /proc/$NP/status
redis-cli -p $PORT info memory | grep -E "jvm_heap|rss" | tr -d "\r"; kill $NP; wait $NP
