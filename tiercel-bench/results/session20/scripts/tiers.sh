#!/usr/bin/env bash
# Server CPU per GET at P1: agent local (UNIX), node (UNIX), redis (UNIX), redis (TCP).
set -u
cd /work/main
W=/tmp/s20/tiers; mkdir -p $W; rm -f $W/*.sock
bin/tiercel server --port 7821 --unixsocket $W/n.sock --maxmemory 2gb --loglevel warn > $W/n.log 2>&1 &
sleep 5
bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:7821 --maxmemory 1gb --loglevel warn > $W/a.log 2>&1 &
redis-server --port 7822 --unixsocket $W/r.sock --save '' --appendonly no > $W/r.log 2>&1 &
sleep 6
NP=$(pgrep -f 'io.tiercel.*server --port 7821' | head -1)
AP=$(pgrep -f 'io.tiercel.*agent --unixsocket' | head -1)
RP=$(pgrep -f 'redis-server .*7822' | head -1)
echo "node=$NP agent=$AP redis=$RP"
cpu() { cat /proc/$1/task/*/schedstat | awk '{c+=$1} END {printf "%d\n", c}'; }
TH=${TH:-1}
thr=(); [ $TH -gt 1 ] && thr=(--threads $TH)
for a in "-s $W/a.sock" "-s $W/n.sock" "-s $W/r.sock" "-p 7822"; do
  redis-benchmark $a "${thr[@]}" -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
  redis-benchmark $a "${thr[@]}" -c 50 -n 300000 -d 100 -r 100000 -t get -q >/dev/null
done
N=${N:-200000}
for round in 1 2 3; do
  for t in agent node redis-unix redis-tcp; do
    case $t in agent) a="-s $W/a.sock"; p=$AP;; node) a="-s $W/n.sock"; p=$NP;; redis-unix) a="-s $W/r.sock"; p=$RP;; redis-tcp) a="-p 7822"; p=$RP;; esac
    c0=$(cpu $p)
    s=$( { TIMEFORMAT='%3U %3S'; time redis-benchmark $a "${thr[@]}" -c 50 -n $N -d 100 -r 100000 -t get --csv 2>&3 | tail -1; } 3>&2 2>$W/ct )
    c1=$(cpu $p)
    rps=$(echo "$s" | cut -d, -f2 | tr -d '"'); p99=$(echo "$s" | cut -d, -f7 | tr -d '"')
    read u sy < $W/ct
    echo "$round $t rps=$rps p99=$p99 server_us=$(echo "scale=2; ($c1-$c0)/1000/$N" | bc) client_us=$(echo "scale=2; ($u+$sy)*1000000/$N" | bc)"
  done
done
kill %1 %2 %3; wait
