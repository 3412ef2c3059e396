#!/usr/bin/env bash
# Session 19 scratch: which of the node's threads used CPU during each pipeline-1 run, and how
# often each was descheduled (voluntary/involuntary context switches), against Redis's runs.
#   threads.sh OUTDIR ROUNDS [TEST] [TRANSPORT] [-- tiercel server flags]
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
OUT=$1; ROUNDS=$2; TEST=${3:-get}; TR=${4:-unix}; shift 4 || shift $#
[[ "${1:-}" == -- ]] && shift
mkdir -p "$OUT"; bench_workdir threads
bench_tiercel_and_redis "$WORK" "$@"
TPID=$TIERCEL_PID
addr() { bench_addr "$1" "$TR"; }
snap() { # pid -> "tid name utime+stime(ticks) voluntary involuntary" per thread
  for t in /proc/$1/task/*; do
    n=$(tr ' ' '_' < "$t/comm"); read -r -a st < <(sed 's/.*) //' "$t/stat")
    v=$(awk '/^voluntary_ctxt/{print $2}' "$t/status"); i=$(awk '/^nonvoluntary_ctxt/{print $2}' "$t/status")
    echo "${t##*/} $n $(( st[11] + st[12] )) $v $i"
  done
}
for s in tiercel redis; do redis-benchmark $(addr $s) -c 50 -n 100000 -d 100 -r 100000 -t set -q >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  for s in tiercel redis; do
    pid=$TPID; [[ $s == redis ]] && pid=$R_PID
    snap "$pid" > "$OUT/$s.$r.before"
    # shellcheck disable=SC2046
    redis-benchmark $(addr $s) -c 50 -n 300000 -d 100 -r 100000 -P 1 -t "$TEST" --csv > "$OUT/$s.$r.csv" 2>&1
    snap "$pid" > "$OUT/$s.$r.after"
    echo "== $r $s $(tail -1 "$OUT/$s.$r.csv")"
    join <(sort "$OUT/$s.$r.before") <(sort "$OUT/$s.$r.after") \
      | awk '{d=$7-$3; v=$8-$4; i=$9-$5; if (d>0 || i>0) printf "   %-22s cpu %5d ms  vol %7d  invol %6d\n", $2, d*10, v, i}'
  done
done
