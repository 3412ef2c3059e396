#!/usr/bin/env bash
# A JFR profile of one node under one redis-benchmark cell: the event loop's hottest methods and
# the bytes the loop threads allocate per request (jdk.ThreadAllocationStatistics at the start
# and the end of the recording).
#
#   bench/loop-profile.sh OUTDIR [libdir] [set|get] [pipeline 16] [tcp|unix]
#
# libdir: a copy of tiercel-dist/target/lib (default: this checkout's). The node gets
# bin/tiercel's JVM flags (ZGC, compact headers, no leak detector, Unsafe allowed). It is warmed
# up with 1M pipelined SETs and 1M requests of the cell, then recorded over 1.5M requests
# (50 clients, 100-byte values, 100k random keys). Output: OUTDIR/rec.jfr, hot.txt, alloc.txt.
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
[[ $# -ge 1 ]] || bench_usage
OUT=$1
LIB=${2:-$HOME_DIR/tiercel-dist/target/lib}
TEST=${3:-set}
PIPELINE=${4:-16}
TRANSPORT=${5:-tcp}
REQUESTS=1500000
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
JDK_BIN="$(dirname "$JAVA")"
bench_require loop-profile redis-cli redis-benchmark python3
rm -rf "$OUT"; mkdir -p "$OUT"
trap bench_cleanup EXIT

bench_start "$OUT" node "$JAVA" -XX:+UseCompactObjectHeaders -XX:+UseZGC \
  -Dio.netty.leakDetection.level=disabled --sun-misc-unsafe-memory-access=allow \
  --enable-native-access=ALL-UNNAMED -Dtiercel.home="$HOME_DIR" -cp "$LIB/*" \
  io.tiercel.dist.Main server --port 0 --unixsocket "$OUT/node.sock" --maxmemory 2gb \
  --loglevel warn
NODE=$LAST_PID
if [[ "$TRANSPORT" == tcp ]]; then
  ADDR=(-p "$(bench_ready_field "$READY" port)")
else
  ADDR=(-s "$OUT/node.sock")
fi
rb() { timeout 300 redis-benchmark "${ADDR[@]}" -c 50 -d 100 -r 100000 -q "$@" | tr '\r' '\n' | tail -1; }
rb -n 1000000 -P 16 -t set >/dev/null
rb -n 1000000 -P "$PIPELINE" -t "$TEST" >/dev/null
"$JDK_BIN/jcmd" "$NODE" JFR.start name=loop settings=profile filename="$OUT/rec.jfr" >/dev/null
rb -n "$REQUESTS" -P "$PIPELINE" -t "$TEST"
"$JDK_BIN/jcmd" "$NODE" JFR.stop name=loop >/dev/null
"$JDK_BIN/jfr" view --width 160 hot-methods "$OUT/rec.jfr" >"$OUT/hot.txt"
"$JDK_BIN/jfr" view --width 160 allocation-by-site "$OUT/rec.jfr" >"$OUT/alloc.txt"
sed -n '1,25p' "$OUT/hot.txt"
"$JDK_BIN/jfr" print --events jdk.ThreadAllocationStatistics "$OUT/rec.jfr" \
  | python3 -c '
import re, sys
units = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
seen = {}
for m in re.finditer(r"allocated = ([\d.]+) (bytes|kB|MB|GB)\s*\n\s*thread = \"([^\"]+)\"", sys.stdin.read()):
    if m.group(3).startswith("tiercel-io"):
        seen.setdefault(m.group(3), []).append(float(m.group(1)) * units[m.group(2)])
total = sum(max(v) - min(v) for v in seen.values())
print("loop threads allocated %.0f bytes per request" % (total / float(sys.argv[1])))
' "$REQUESTS"
