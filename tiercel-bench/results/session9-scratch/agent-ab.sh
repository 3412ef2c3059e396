#!/bin/bash
# two agents (A default, B with $BOPTS) on one node; alternate local GET runs; print ops/s and agent CPU/GET
set -u
W=/tmp/cc/ab; rm -rf $W; mkdir -p $W
cd /work/main
bin/tiercel server --port 0 --loglevel warn > $W/node.out 2>&1 & NP=$!
for i in $(seq 50); do grep -q ready $W/node.out && break; sleep 0.2; done
NPORT=$(grep -o 'ready port=[0-9]*' $W/node.out | head -1 | cut -d= -f2)
bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:$NPORT --loglevel warn > $W/a.out 2>&1 & A=$!
TIERCEL_JAVA_OPTS="$BOPTS" bin/tiercel agent --unixsocket $W/b.sock --nodes 127.0.0.1:$NPORT --loglevel warn > $W/b.out 2>&1 & B=$!
for i in $(seq 100); do grep -q ready $W/a.out && grep -q ready $W/b.out && break; sleep 0.2; done
cpu() { cat /proc/$1/task/*/schedstat | awk '{c+=$1} END{printf "%d", c}'; }
one() { local c0=$(cpu $2); local r=$(redis-benchmark -s $3 -c 50 -n 200000 -d 100 -r 100000 -t get --csv 2>/dev/null | awk -F, 'NR==2{gsub(/"/,""); print $2}'); local c1=$(cpu $2); echo "$1 $r $(awk -v c=$((c1-c0)) 'BEGIN{printf "%.2f", c/1e3/200000}')"; }
for s in a b; do redis-benchmark -s $W/$s.sock -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null; redis-benchmark -s $W/$s.sock -c 50 -n 400000 -d 100 -r 100000 -t get -q >/dev/null; done
for r in $(seq ${ROUNDS:-4}); do
  if (( r % 2 )); then one A $A $W/a.sock; one B $B $W/b.sock; else one B $B $W/b.sock; one A $A $W/a.sock; fi
done
kill $A $B $NP
