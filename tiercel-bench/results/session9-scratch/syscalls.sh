#!/bin/bash
set -u
W=/tmp/cc/w; rm -rf $W; mkdir -p $W
cd /work/main
RPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
bin/tiercel server --port 0 --loglevel warn > $W/node.out 2>&1 & NP=$!
for i in $(seq 50); do grep -q ready $W/node.out && break; sleep 0.2; done
NPORT=$(grep -o 'ready port=[0-9]*' $W/node.out | head -1 | cut -d= -f2)
bin/tiercel agent --unixsocket $W/a.sock --nodes 127.0.0.1:$NPORT --loglevel warn > $W/agent.out 2>&1 & AP=$!
for i in $(seq 50); do grep -q ready $W/agent.out && break; sleep 0.2; done
redis-server --port $RPORT --unixsocket $W/r.sock --save '' --appendonly no > $W/redis.out 2>&1 & RP=$!
sleep 1
EV='syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_writev,syscalls:sys_enter_futex,context-switches'
one() { # label pid addr
  perf stat -x, -e $EV -p $2 -o $W/srv.txt & SP=$!
  sleep 0.3
  perf stat -x, -e $EV -o $W/cli.txt redis-benchmark $3 -c 50 -n 200000 -d 100 -r 100000 -t get --csv 2>/dev/null | awk -F, 'NR==2{gsub(/"/,""); printf "%s %s\n", lab, $2}' lab=$1
  kill -INT $SP; wait $SP
  echo "  client per req:"; awk -F, '$1 ~ /^[0-9]/ && $1>0 {printf "    %-32s %.3f\n", $3, $1/200000}' $W/cli.txt
  echo "  server per req:"; awk -F, '$1 ~ /^[0-9]/ && $1>0 {printf "    %-32s %.3f\n", $3, $1/200000}' $W/srv.txt
}
redis-benchmark -s $W/a.sock -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
redis-benchmark -s $W/r.sock -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
redis-benchmark -s $W/a.sock -c 50 -n 400000 -d 100 -r 100000 -t get -q >/dev/null
for r in 1 2; do
  one agent-unix $AP "-s $W/a.sock"
  one redis-unix $RP "-s $W/r.sock"
  one redis-tcp $RP "-p $RPORT"
done
kill $NP $AP $RP
