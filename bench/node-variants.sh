#!/usr/bin/env bash
# Several Tiercel nodes (builds, JVM flags or server flags) and one redis-server side by side,
# under the same redis-benchmark cells, interleaved (the order flips every round); prints per cell
# the median ops/s, ratio to Redis, p99 and the server's CPU time per request (utime+stime of the
# process from /proc, over the run), so a change can be judged on CPU cost, not only on
# throughput, on a machine whose load the benchmark does not control.
#
#   bench/node-variants.sh OUTDIR 'name|libdir|java opts|server flags' ...
#
# libdir: a copy of tiercel-dist/target/lib (empty: this checkout's). Environment: ROUNDS
# (default 3), CELLS (default all 8: "tcp:set:1 ... unix:get:16"; a test is one of redis-benchmark's
# -t tests, e.g. mset (10 keys), or mget10: MGET of 10 random keys). 50 clients, 100-byte values,
# 100k random keys; 100k requests at pipeline 1, 500k at 16; each server warmed up first (SET and
# GET, and every other test of CELLS at pipeline 16 and 1).
# Example: bench/node-variants.sh /tmp/v 'g1|||' 'zgc||-XX:+UseZGC|' 'two||--io-threads 2'
# The JVM gets only -XX:+UseCompactObjectHeaders and the variant's flags, not bin/tiercel's: to
# match a served node pass "-XX:+UseZGC -Dio.netty.leakDetection.level=disabled
# --sun-misc-unsafe-memory-access=allow" (docs/benchmarks.md, branch netperf3).
set -u

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
[[ $# -ge 2 ]] || bench_usage
OUT=$1; shift; rm -rf "$OUT"; mkdir -p "$OUT"
ROUNDS=${ROUNDS:-3}; CELLS=${CELLS:-"tcp:set:1 tcp:get:1 unix:set:1 unix:get:1 tcp:set:16 tcp:get:16 unix:set:16 unix:get:16"}
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
bench_require node-variants redis-server redis-cli redis-benchmark python3
trap bench_cleanup EXIT
declare -A PID ADDR_T ADDR_U
NAMES=()
for v in "$@"; do
  IFS='|' read -r name lib opts flags <<<"$v"
  lib="${lib:-$HOME_DIR/tiercel-dist/target/lib}"
  NAMES+=("$name")
  # shellcheck disable=SC2086
  bench_start "$OUT" "$name" $JAVA -XX:+UseCompactObjectHeaders $opts -Dtiercel.home="$HOME_DIR" \
    -cp "$lib/*" io.tiercel.dist.Main server --port 0 --unixsocket "$OUT/$name.sock" --maxmemory 2gb \
    --loglevel warn $flags
  PID[$name]=$LAST_PID
  ADDR_T[$name]="-p $(bench_ready_field "$READY" port)"; ADDR_U[$name]="-s $OUT/$name.sock"
done
bench_redis "$OUT"
PID[redis]=$R_PID; ADDR_T[redis]="-p $R_PORT"; ADDR_U[redis]="-s $R_SOCK"
sleep 0.5
NAMES+=(redis)
echo "start load $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/meta
# The load of a cell: redis-benchmark's -t test, or MGET of 10 random keys for mget10.
load_of() { if [ "$1" = mget10 ]; then echo MGET $(printf 'key:__rand_int__ %.0s' {1..10}); else echo -t "$1"; fi; }
# Tests other than GET and SET get a warm-up of their own, so no cell times the JIT's first pass.
EXTRA_TESTS=$(for cell in $CELLS; do IFS=: read -r _ t _ <<<"$cell"; echo "$t"; done | sort -u | grep -vx 'get\|set')
for name in "${NAMES[@]}"; do
  for a in "${ADDR_T[$name]}" "${ADDR_U[$name]}"; do
  redis-benchmark $a -c 50 -n 1000000 -d 100 -r 100000 -P 16 -t set -q >/dev/null
  redis-benchmark $a -c 50 -n 200000 -d 100 -r 100000 -t get,set -q >/dev/null
  for t in $EXTRA_TESTS; do
    # shellcheck disable=SC2046
    redis-benchmark $a -c 50 -n 200000 -d 100 -r 100000 -P 16 -q $(load_of "$t") >/dev/null
    # shellcheck disable=SC2046
    redis-benchmark $a -c 50 -n 50000 -d 100 -r 100000 -q $(load_of "$t") >/dev/null
  done
  done
done
for round in $(seq 1 $ROUNDS); do
  for cell in $CELLS; do
    IFS=: read -r tr t p <<<"$cell"; n=100000; [ $p -gt 1 ] && n=500000
    order=("${NAMES[@]}"); (( round % 2 == 0 )) && order=($(printf '%s\n' "${NAMES[@]}" | tac))
    for name in "${order[@]}"; do
      if [ $tr = tcp ]; then a="${ADDR_T[$name]}"; else a="${ADDR_U[$name]}"; fi
      c0=$(bench_cpu_ticks ${PID[$name]})
      # shellcheck disable=SC2046
      r=$(timeout 120 redis-benchmark $a -c 50 -n $n -d 100 -r 100000 -P $p --csv $(load_of "$t") 2>/dev/null | awk -F, 'NR==2{gsub(/"/,"");print $2, $7}')
      c1=$(bench_cpu_ticks ${PID[$name]})
      echo "$round $tr $t $p $name $r $(( (c1-c0)*10 )) $n" >>$OUT/runs.txt
    done
  done
done
echo "end load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/meta
bench_cleanup
python3 - $OUT/runs.txt "${NAMES[@]}" <<'PY'
import sys,statistics,collections
names=sys.argv[2:]
c=collections.defaultdict(list)
for l in open(sys.argv[1]):
    p=l.split()
    if len(p)<8: continue
    c[(p[1],p[2],int(p[3]),p[4])].append((float(p[5]),float(p[6]),float(p[7])*1000/float(p[8])))
cells=sorted({k[:3] for k in c}, key=lambda k:(k[2],k[0],k[1]!="set"))
print("%-14s"%"cell"+"".join("%28s"%n for n in names))
for cell in cells:
    red=statistics.median(x[0] for x in c[cell+("redis",)])
    row="%-14s"%(" ".join(map(str,cell)))
    for n in names:
        v=c[cell+(n,)]
        rps=statistics.median(x[0] for x in v); p99=statistics.median(x[1] for x in v); cpu=statistics.median(x[2] for x in v)
        row+="  %7.0f %4.2fx %6.2fms %4.1fus"%(rps,rps/red,p99,cpu)
    print(row)
print("columns: ops/s, ratio to redis, p99, server CPU us/request (medians)")
PY
