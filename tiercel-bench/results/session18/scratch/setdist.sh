#!/usr/bin/env bash
# Scratch (session 18): the whole latency distribution of redis-benchmark SET at pipeline 16 over
# TCP, Tiercel and Redis alternately, with the node's GC log and its thread CPU.
#   flock /tmp/tiercel-mvn.lock tiercel-bench/results/session18/scratch/setdist.sh OUT [ROUNDS]
set -euo pipefail
OUT="$1"; ROUNDS="${2:-3}"; N="${N:-1000000}"; P="${P:-16}"; T="${T:-set}"
HOME_DIR="$(cd "$(dirname "$0")/../../../.." && pwd)"
mkdir -p "$OUT"
W="$(mktemp -d /tmp/setdist.XXXXXX)"
TIERCEL_JAVA_OPTS="${TIERCEL_JAVA_OPTS:-} -Xlog:gc:file=$OUT/gc.log:time" \
  "$HOME_DIR/bin/tiercel" server --port 0 --maxmemory 2gb --loglevel warn >"$W/t.out" 2>&1 &
TP=$!
RP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$RP" --save '' --appendonly no --daemonize no >"$W/r.out" 2>&1 &
RPID=$!
trap 'kill $TP $RPID 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
for i in $(seq 1 600); do grep -q '^ready' "$W/t.out" && break; sleep 0.1; done
TPORT=$(grep -o 'ready port=[0-9]*' "$W/t.out" | cut -d= -f2)
[[ -n "$TPORT" ]] || { cat "$W/t.out"; exit 1; }
for i in $(seq 1 100); do redis-cli -p "$RP" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "tiercel port=$TPORT pid=$TP redis port=$RP pid=$RPID"
redis-benchmark -p "$TPORT" -t set -n 2000000 -c 50 -P 16 -r 100000 -d 100 -q >/dev/null
redis-benchmark -p "$RP" -t set -n 2000000 -c 50 -P 16 -r 100000 -d 100 -q >/dev/null
# threads PID -> "tid-comm|cpu ticks" per thread
threads() {
  for t in /proc/$1/task/*; do
    awk -v t="${t##*/}" '{c=$0; sub(/^[^(]*\(/,"",c); n=c; sub(/\).*/,"",n); sub(/^[^)]*\) /,"",c); split(c,f," "); gsub(/ /,"_",n); print n"-"t"|"f[12]+f[13]}' "$t/stat" 2>/dev/null
  done
}
# gc_overlap T0 T1 -> milliseconds of GC cycles (Tiercel's log) that overlapped [T0, T1]
gc_overlap() {
  python3 - "$OUT/gc.log" "$1" "$2" <<'PY'
import re, sys, datetime
t0, t1, ms = float(sys.argv[2]), float(sys.argv[3]), 0.0
for line in open(sys.argv[1]):
    m = re.match(r'\[(\S+)\].*Collection \(.*\) .* ([0-9.]+)s$', line)
    if not m:
        continue
    end = datetime.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp()
    start = end - float(m.group(2))
    ms += max(0.0, min(end, t1) - max(start, t0)) * 1000
print(round(ms))
PY
}
for r in $(seq 1 "$ROUNDS"); do
  for s in tiercel redis; do
    port=$TPORT; pid=$TP; [[ $s == redis ]] && { port=$RP; pid=$RPID; }
    c0=$(awk '{print $14+$15}' /proc/$pid/stat); u0=$(awk '{print $14}' /proc/$pid/stat); f0=$(awk '{print $10}' /proc/$pid/stat)
    threads "$pid" >"$W/th0"
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$W/time" \
      redis-benchmark -p "$port" -t "$T" -n "$N" -c 50 -P "$P" -r 100000 -d 100 >"$OUT/$s-$r.txt"
    client=$(awk '{printf "%.2f", $1+$2}' "$W/time")
    t1=$(date +%s.%N)
    gcs=$(gc_overlap "$t0" "$t1")
    c1=$(awk '{print $14+$15}' /proc/$pid/stat); u1=$(awk '{print $14}' /proc/$pid/stat); f1=$(awk '{print $10}' /proc/$pid/stat)
    threads "$pid" >"$W/th1"
    top=$(join -t'|' <(sort "$W/th0") <(sort "$W/th1") | awk -F'|' '{d=$3-$2; if(d>2) printf "%s:%d ", $1, d}')
    rps=$(grep -o 'throughput summary: [0-9.]*' "$OUT/$s-$r.txt" | awk '{print $3}')
    pcts=$(awk '/Latency by percentile/{f=1;next} f&&/%/{gsub(/[%<=]/," "); print}' "$OUT/$s-$r.txt" \
      | awk '{p=$1; v=$2; if(p>=50&&!a){a=v} if(p>=90&&!b){b=v} if(p>=99&&!c){c=v} if(p>=99.9&&!d){d=v}} END{print "p50="a" p90="b" p99="c" p99.9="d}')
    echo "round $r $s rps=$rps cpu_ticks=$((c1-c0)) user_ticks=$((u1-u0)) client_cpu_s=$client minflt=$((f1-f0)) gc_ms_in_run=$gcs $pcts threads: $top"
  done
done | tee "$OUT/summary.txt"
grep -cE 'GC\([0-9]+\) (Major|Minor) Collection.*s$' "$OUT/gc.log" | sed 's/^/gc cycles logged: /' | tee -a "$OUT/summary.txt"
