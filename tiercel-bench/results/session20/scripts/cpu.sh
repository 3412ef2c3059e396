#!/usr/bin/env bash
# Server CPU per request at P1 over UNIX, Tiercel vs Redis, for a few key ranges.
set -u
cd /work/main
W=/tmp/s20/cpu; mkdir -p $W; rm -f $W/*.sock
bin/tiercel server --port 7811 --unixsocket $W/t.sock ${NODE_FLAGS:-} > $W/t.log 2>&1 &
T=$!
redis-server --port 7812 --unixsocket $W/r.sock --save '' --appendonly no > $W/r.log 2>&1 &
R=$!
sleep 6
JP=$(pgrep -f 'io.tiercel' | head -1)
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
for s in t r; do redis-benchmark -s $W/$s.sock -c 50 -n 400000 -d 100 -r 100000 -P 1 -t set,get -q >/dev/null; done
N=${N:-150000}
for round in 1 2 3; do
 for r in ${RANGES:-1000 100000}; do
  for s in t r; do
   pid=$([ $s = t ] && echo $JP || echo $R)
   for test in ${TESTS:-get}; do
    a=$(cpu $pid)
    out=$(redis-benchmark -s $W/$s.sock -c 50 -n $N -d 100 -r $r -P 1 -t $test --csv | tail -1)
    b=$(cpu $pid)
    rps=$(echo "$out" | cut -d, -f2 | tr -d '"')
    p99=$(echo "$out" | cut -d, -f7 | tr -d '"')
    echo "$round $r $s $test rps=$rps p99=$p99 cpu_us_per_req=$(echo "scale=2; ($b-$a)*10000/$N" | bc)"
   done
  done
 done
done
kill $T $R; wait
