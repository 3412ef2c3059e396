#!/usr/bin/env bash
# Steady-state TCP SET P16 under different soft heap targets: warm WARM requests, then ROUNDS x N.
set -u
cd /work/main
for v in "$@"; do
  TAG=${v%%|*}; OPTS=${v#*|}
  W=/tmp/s17/sm-$TAG; rm -rf $W; mkdir -p $W
  TIERCEL_JAVA_OPTS="$OPTS -Xlog:gc:file=$W/gc.log" bin/tiercel server --port 0 --maxmemory 2gb --loglevel warn > $W/node.out 2>&1 & NP=$!
  for _ in $(seq 600); do grep -q ready $W/node.out && break; sleep 0.2; done
  PORT=$(grep -o "port=[0-9]*" $W/node.out | head -1 | cut -d= -f2); [ -n "$PORT" ] || { echo no port; kill $NP; exit 1; }
  redis-benchmark -p $PORT -c 50 -n ${WARM:-10000000} -d 100 -r 100000 -P 16 -t set -q > /dev/null
  g0=$(grep -c "Collection (" $W/gc.log)
  for r in $(seq ${ROUNDS:-3}); do
    c0=$(awk '{print $14+$15}' /proc/$NP/stat)
    res=$(redis-benchmark -p $PORT -c 50 -n ${N:-2000000} -d 100 -r 100000 -P 16 -t set --csv | awk -F, 'NR==2{gsub(/"/,"");print $2, $6, $7, $8}')
    c1=$(awk '{print $14+$15}' /proc/$NP/stat)
    echo "$TAG r$r rps/p95/p99/max $res cpu_us/req $(echo "scale=2; ($c1-$c0)*10000/${N:-2000000}" | bc)"
  done
  echo "$TAG gc cycles in rounds: $(( $(grep -c "Collection (" $W/gc.log) - g0 )) rss $(grep VmRSS /proc/$NP/status | awk '{print $2/1024 " MB"}')"
  kill $NP; wait $NP
done
