#!/usr/bin/env bash
# Several class paths (builds or JVM flags) under the same JMH benchmark, interleaved in one locked
# session (the order flips every round, each run its own JVM); prints per variant and parameter
# row the median ops/s and the median of the per-round ratios to the first variant. Runs of one
# jar differ by up to 2x between JVM processes on this machine (docs/benchmarks.md, JMH section),
# so only same-session, same-round pairs compare. Each run's line in OUTDIR/runs.txt also gives the
# CPU seconds the rest of the machine used during it and the hypervisor's steal time.
#
#   bench/jmh-variants.sh OUTDIR 'name|libdir|java opts' ...
#
# libdir: a copy of tiercel-dist/target/lib (empty: this checkout's). Environment: ROUNDS
# (default 4), BENCH (default GetPutBenchmark.get), PARAMS (default "-p impl=tiercel_read
# -p fill=sparse"), THREADS (default 1), JMH (default "-wi 2 -i 3 -w 1s -r 1s -f 1"). Each run is
# bounded to 300 s. Example, main against a branch's store, and Caffeine as a third variant:
#   bench/jmh-variants.sh /tmp/jv 'main|/tmp/lib-main|' 'branch||' \
#     'caffeine|/tmp/lib-main||-p impl=caffeine_bytes'
# A fourth field overrides PARAMS for that variant (its rows then pair with the first variant's
# rows in the same position). `bench/jmh-variants.sh --summary OUTDIR name...` prints the summary
# of a finished OUTDIR again.
set -u

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"

# summarize RUNS NAME... -> per parameter row and variant: the median ops/s, the median of the
# per-round ratios to the first NAME, then every run and every ratio in round order.
summarize() {
  python3 - "$@" <<'PY'
import sys, statistics, collections
names = sys.argv[2:]
rows = collections.defaultdict(list)   # (name, round) -> [(row, ops)] in the CSV's order
for line in open(sys.argv[1]):
    p = line.split()
    rows[(p[1], p[0])].append((p[2], float(p[3])))
base = names[0]
for pos in range(max(len(v) for v in rows.values())):
    for n in names:
        rounds = sorted((r for (m, r) in rows if m == n and pos < len(rows[(m, r)])), key=int)
        if not rounds:
            continue
        ops = [rows[(n, r)][pos][1] for r in rounds]
        ratios = [rows[(n, r)][pos][1] / rows[(base, r)][pos][1] for r in rounds
                  if pos < len(rows.get((base, r), []))]
        print("%-10s %-30s %7.2f M  ratio %5.2f   runs %s   ratios %s" % (
            n, rows[(n, rounds[0])][pos][0], statistics.median(ops) / 1e6,
            statistics.median(ratios) if ratios else float("nan"),
            " ".join("%.1f" % (x / 1e6) for x in ops), " ".join("%.2f" % x for x in ratios)))
PY
}

if [[ "${1:-}" == --summary ]]; then   # bench/jmh-variants.sh --summary OUTDIR name... (no runs)
  shift; dir=$1; shift; summarize "$dir/runs.txt" "$@"; exit
fi
[[ $# -ge 2 ]] || bench_usage
bench_lock "$@"
OUT=$1; shift; rm -rf "$OUT"; mkdir -p "$OUT"
ROUNDS=${ROUNDS:-4}; BENCH=${BENCH:-GetPutBenchmark.get}
PARAMS=${PARAMS:-"-p impl=tiercel_read -p fill=sparse"}; THREADS=${THREADS:-1}
JMH=${JMH:-"-wi 2 -i 3 -w 1s -r 1s -f 1"}
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
NAMES=()
declare -A LIB OPTS PRM
for v in "$@"; do
  IFS='|' read -r name lib opts prm <<<"$v"
  NAMES+=("$name"); LIB[$name]="${lib:-$HOME_DIR/tiercel-dist/target/lib}"; OPTS[$name]="$opts"
  PRM[$name]="${prm:-$PARAMS}"
done
{ echo "bench=$BENCH threads=$THREADS jmh=$JMH params=$PARAMS"; printf '%s\n' "$@";
  echo "start load $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$OUT/meta"
for round in $(seq 1 "$ROUNDS"); do
  order=("${NAMES[@]}"); (( round % 2 == 0 )) && mapfile -t order < <(printf '%s\n' "${NAMES[@]}" | tac)
  for name in "${order[@]}"; do
    csv="$OUT/$name.$round.csv"
    read -r -a c0 < <(head -1 /proc/stat)
    # shellcheck disable=SC2086
    own=$( { TIMEFORMAT='%U %S'; time timeout 300 "$JAVA" -XX:+UseCompactObjectHeaders ${OPTS[$name]} \
      -Dtiercel.home="$HOME_DIR" -cp "${LIB[$name]}/*" io.tiercel.dist.Main bench jmh "$BENCH" \
      ${PRM[$name]} $JMH -t "$THREADS" -rf csv -rff "$csv" >"$OUT/$name.$round.log" 2>&1; } 2>&1 )
    read -r -a c1 < <(head -1 /proc/stat)
    # The machine's CPU seconds over the run (user nice system irq softirq) less this JVM's own,
    # and the hypervisor's steal: what else ran, or took the cores, while this run measured.
    busy=$(( (c1[1]+c1[2]+c1[3]+c1[6]+c1[7]) - (c0[1]+c0[2]+c0[3]+c0[6]+c0[7]) ))
    others=$(awk -v b="$busy" -v o="$own" 'BEGIN { split(o, t, " "); x = b / 100 - t[1] - t[2]; printf "%.1f", x < 0 ? 0 : x }')
    steal=$(awk -v s=$(( c1[8] - c0[8] )) 'BEGIN { printf "%.1f", s / 100 }')
    # one line per parameter row: round name row ops/s others_cpu_s steal_s
    awk -F, -v r="$round" -v n="$name" -v x="$others $steal" 'NR > 1 { sub(/\r$/, ""); row = "";
      for (i = 8; i <= NF; i++) row = row $i "/"; gsub(/"/, "", row);
      printf "%s %s %s %.0f %s\n", r, n, row, $5, x }' "$csv" 2>/dev/null | tee -a "$OUT/runs.txt"
  done
done
echo "end load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/meta"
summarize "$OUT/runs.txt" "${NAMES[@]}"
