#!/usr/bin/env bash
# Tiercel vs Redis under the same redis-benchmark loads, on the same machine, interleaved.
#
# Starts a Tiercel node (bin/tiercel server --port 0 --unixsocket ...) and a redis-server (free
# port + UNIX socket, no persistence) side by side, then runs GET and SET with 50 clients,
# 100-byte values and 100k random keys, at pipeline 1 and 16, over TCP and over the UNIX socket.
# Every cell runs Tiercel and Redis back to back (who goes first alternates by round), for
# --rounds rounds; the table shows medians of ops/s and of p99 latency and the ratio
# Tiercel/Redis (>= 1.0 means Tiercel is as fast or faster). Raw runs go to OUT/runs.csv.
#
# A second table says where each cell's time went: the server's and redis-benchmark's CPU per
# request (a client near 1 s of CPU per second of run bounds both servers alike), and for Tiercel
# the minor page faults and the milliseconds of GC cycles (its -Xlog:gc, OUT/tiercel-gc.log) that
# overlapped each run, with the median p99 of the runs no GC cycle touched.
#
#   bench/compare-redis.sh [--rounds 3] [--requests 200000] [--pipelined-requests 1000000]
#                          [--clients 50] [--out DIR] [-- extra tiercel server flags]
#
# Environment: TIERCEL_JAVA_OPTS (JVM flags for the node). Runs under the shared build lock
# (/tmp/tiercel-mvn.lock) so no build or other benchmark competes for the CPUs.
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
ROUNDS=3
REQUESTS=200000
PIPELINED_REQUESTS=1000000
CLIENTS=50
KEYS=100000
VALUE_SIZE=100
OUT=""
TIERCEL_FLAGS=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --pipelined-requests) PIPELINED_REQUESTS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --) shift; TIERCEL_FLAGS=("$@"); break ;;
    -h|--help) bench_usage ;;
    *) echo "compare-redis: unknown flag $1" >&2; bench_usage ;;
  esac
done

bench_require compare-redis redis-server redis-cli redis-benchmark python3

bench_workdir compare
OUT="${OUT:-$WORK}"
mkdir -p "$OUT"

export TIERCEL_JAVA_OPTS="${TIERCEL_JAVA_OPTS:-} -Xlog:gc:file=$OUT/tiercel-gc.log:time"
bench_tiercel_and_redis "$WORK" "${TIERCEL_FLAGS[@]}"
REDIS_PID=$R_PID

echo "tiercel: $READY (pid $TIERCEL_PID)"
echo "redis:   $(redis-server --version | cut -d' ' -f3) port=$R_PORT unixsocket=$R_SOCK (pid $REDIS_PID)"
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"

# run SERVER TRANSPORT TEST PIPELINE N -> prints "rps p99" from redis-benchmark --csv
run() {
  # shellcheck disable=SC2046
  bench_rb $(bench_addr "$1" "$2") -c "$CLIENTS" -n "$5" -d "$VALUE_SIZE" -r "$KEYS" -P "$4" -t "$3" \
    || { echo "compare-redis: redis-benchmark failed against $1 over $2" >&2; return 1; }
}

# measured SERVER TRANSPORT TEST PIPELINE N -> prints "rps p99 server_us client_us faults gc_ms":
# run's two numbers, then the server's and redis-benchmark's CPU per request (µs), the server's
# minor page faults and the ms of Tiercel GC cycles that overlapped the run (0 for Redis).
measured() {
  local pid="$TIERCEL_PID" ticks0 faults0 t0 t1 result client log=""
  [[ "$1" == redis ]] && pid="$REDIS_PID"
  [[ "$1" == tiercel ]] && log="$OUT/tiercel-gc.log"
  ticks0="$(bench_cpu_ticks "$pid")"
  faults0="$(bench_minor_faults "$pid")"
  t0="$(date +%s.%N)"
  result="$( { TIMEFORMAT='%3U %3S'; time run "$@" 2>&3; } 3>&2 2>"$WORK/client-time")"
  t1="$(date +%s.%N)"
  client="$(awk '{ print $1 + $2 }' "$WORK/client-time")"
  python3 - "$result" "$(( $(bench_cpu_ticks "$pid") - ticks0 ))" "$(getconf CLK_TCK)" "$5" \
    "$client" "$(( $(bench_minor_faults "$pid") - faults0 ))" "$t0" "$t1" "$log" <<'EOF'
import datetime, re, sys
result, ticks, hz, n, client, faults, t0, t1, log = sys.argv[1:]
n, t0, t1 = int(n), float(t0), float(t1)
gc_ms = 0.0
if log:
    # A collector's cycle line ends with its duration: "[time] GC(3) Major Collection (...) 0.098s".
    for line in open(log):
        m = re.match(r"\[(\S+)\] GC\(\d+\) .*Collection .* ([0-9.]+)s$", line)
        if m:
            end = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            gc_ms += max(0.0, min(end, t1) - max(end - float(m.group(2)), t0)) * 1000
print(result, f"{int(ticks) / int(hz) * 1e6 / n:.2f}", f"{float(client) * 1e6 / n:.2f}", faults,
      f"{gc_ms:.0f}")
EOF
}

# Warm-up, not recorded: fills the key space (so GET hits), then runs every measured cell once,
# so the JIT has compiled each cell's path before its first measured run (a C2 compile during a
# pipeline-1 run took a core for half a second and lengthened its tail; session 19).
for server in tiercel redis; do
  for transport in tcp unix; do
    run "$server" "$transport" set 16 "$PIPELINED_REQUESTS" >/dev/null
    run "$server" "$transport" get 16 "$PIPELINED_REQUESTS" >/dev/null
    run "$server" "$transport" set 1 "$REQUESTS" >/dev/null
    run "$server" "$transport" get 1 "$REQUESTS" >/dev/null
  done
done

echo "round,transport,pipeline,test,server,rps,p99_ms,server_cpu_us,client_cpu_us,faults,gc_ms" \
  >"$OUT/runs.csv"
for round in $(seq 1 "$ROUNDS"); do
  for transport in tcp unix; do
    for pipeline in 1 16; do
      n="$REQUESTS"
      [[ "$pipeline" -gt 1 ]] && n="$PIPELINED_REQUESTS"
      for test in set get; do
        order="tiercel redis"
        (( round % 2 == 0 )) && order="redis tiercel"
        for server in $order; do
          result="$(measured "$server" "$transport" "$test" "$pipeline" "$n")"
          read -r rps p99 server_us client_us faults gc_ms <<<"$result"
          echo "$round,$transport,$pipeline,$test,$server,$rps,$p99,$server_us,$client_us,$faults,$gc_ms" \
            >>"$OUT/runs.csv"
          echo "  round $round $transport P$pipeline $test $server: $rps ops/s p99 $p99 ms," \
            "server $server_us µs/req, client $client_us µs/req, $faults faults, GC $gc_ms ms" >&2
        done
      done
    done
  done
done

python3 - "$OUT/runs.csv" <<'EOF'
import csv, statistics, sys
runs = list(csv.DictReader(open(sys.argv[1])))
cells = {}
for r in runs:
    key = (r["transport"], int(r["pipeline"]), r["test"].upper())
    cells.setdefault(key, {}).setdefault(r["server"], []).append(
        (float(r["rps"]), float(r["p99_ms"])))
print()
print("| transport | pipeline | test | Tiercel ops/s | Redis ops/s | ratio | Tiercel p99 ms | Redis p99 ms |")
print("|---|---|---|---|---|---|---|---|")
for key in sorted(cells, key=lambda k: (k[0], k[1], k[2] != "SET")):
    t, r = cells[key]["tiercel"], cells[key]["redis"]
    trps = statistics.median(x[0] for x in t)
    rrps = statistics.median(x[0] for x in r)
    tp99 = statistics.median(x[1] for x in t)
    rp99 = statistics.median(x[1] for x in r)
    print(f"| {key[0]} | {key[1]} | {key[2]} | {trps:,.0f} | {rrps:,.0f} | {trps / rrps:.2f} "
          f"| {tp99:.3f} | {rp99:.3f} |")

def of(server, key):
    return [r for r in runs if r["server"] == server
            and (r["transport"], int(r["pipeline"]), r["test"].upper()) == key]

def med(server, key, field):
    return statistics.median(float(r[field]) for r in of(server, key))

print()
print("Where the time went (medians; client: redis-benchmark's CPU per request in the same runs):")
print()
print("| transport | pipeline | test | Tiercel µs CPU/req | Redis µs CPU/req "
      "| client µs/req (Tiercel / Redis) | Tiercel faults a run | Tiercel runs a GC cycle overlapped "
      "| their p99 ms | Tiercel p99 ms in the others |")
print("|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(cells, key=lambda k: (k[0], k[1], k[2] != "SET")):
    mine = of("tiercel", key)
    hit = [float(r["p99_ms"]) for r in mine if float(r["gc_ms"]) > 0]
    clean = [float(r["p99_ms"]) for r in mine if float(r["gc_ms"]) == 0]
    p99 = lambda xs: f"{statistics.median(xs):.3f}" if xs else "-"
    print(f"| {key[0]} | {key[1]} | {key[2]} | {med('tiercel', key, 'server_cpu_us'):.2f} "
          f"| {med('redis', key, 'server_cpu_us'):.2f} "
          f"| {med('tiercel', key, 'client_cpu_us'):.2f} / {med('redis', key, 'client_cpu_us'):.2f} "
          f"| {med('tiercel', key, 'faults'):,.0f} | {len(hit)} of {len(mine)} | {p99(hit)} "
          f"| {p99(clean)} |")
EOF
echo
echo "raw runs: $OUT/runs.csv"
