#!/usr/bin/env bash
# scratch: voluntary context switches of agent threads and redis-benchmark during local GET
set -u
cd ${TREE:-/work/main}
W=/tmp/spin/w; rm -rf $W; mkdir -p $W
bin/tiercel server --port 0 --maxmemory 1gb --loglevel warn > $W/node.out 2>$W/node.err &
NODE=$!
for i in $(seq 100); do grep -q ready $W/node.out && break; sleep 0.2; done
PORT=$(grep -o 'port=[0-9]*' $W/node.out | head -1 | cut -d= -f2)
TIERCEL_JAVA_OPTS="${AGENT_OPTS:-}" bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:$PORT --maxmemory 1gb --loglevel warn > $W/a.out 2>$W/a.err &
AG=$!
for i in $(seq 100); do grep -q ready $W/a.out && break; sleep 0.2; done
redis-benchmark -s $W/a.sock -c 50 -n 300000 -d 100 -r 100000 -t set -q >/dev/null
redis-benchmark -s $W/a.sock -c 50 -n 300000 -d 100 -r 100000 -t get -q >/dev/null
snap() { for t in /proc/$AG/task/*; do n=$(cat $t/comm); v=$(awk '/^voluntary/{print $2}' $t/status); echo "$n $v"; done | sort; }
snap > $W/before
redis-benchmark -s $W/a.sock -c 50 -n 400000 -d 100 -r 100000 -t get --csv > $W/rb.csv &
RB=$!
sleep 0.5
c0=$(awk '/^voluntary/{print $2}' /proc/$RB/status); n0=$(awk '/^nonvoluntary/{print $2}' /proc/$RB/status)
sleep 2
c1=$(awk '/^voluntary/{print $2}' /proc/$RB/status); n1=$(awk '/^nonvoluntary/{print $2}' /proc/$RB/status)
wait $RB
snap > $W/after
echo "client vol cs in 2s: $((c1-c0)) nonvol: $((n1-n0))"
cat $W/rb.csv
join $W/before $W/after | awk '$3-$2>100{print $1, $3-$2}'
kill $AG $NODE; wait
