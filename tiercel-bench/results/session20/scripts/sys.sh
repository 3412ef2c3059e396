#!/usr/bin/env bash
# strace -c on the server during a redis-benchmark P1 run: syscalls per request.
set -u
cd /work/main
W=/tmp/s20/sys; mkdir -p $W; rm -f $W/*.sock
bin/tiercel server --port 7811 --unixsocket $W/t.sock > $W/t.log 2>&1 &
T=$!
redis-server --port 7812 --unixsocket $W/r.sock --save '' --appendonly no > $W/r.log 2>&1 &
R=$!
sleep 6
for s in t r; do redis-benchmark -s $W/$s.sock -c 50 -n 300000 -d 100 -r 100000 -P 1 -t set,get -q >/dev/null; done
N=100000
for s in t r; do
  pid=$([ $s = t ] && echo $T || echo $R)
  for test in get set; do
    strace -c -f -p $pid -o $W/$s-$test.strace &
    S=$!; sleep 1
    redis-benchmark -s $W/$s.sock -c 50 -n $N -d 100 -r 100000 -P 1 -t $test -q
    kill -INT $S; wait $S
    echo "== $s $test"; head -14 $W/$s-$test.strace
  done
done
kill $T $R; wait
