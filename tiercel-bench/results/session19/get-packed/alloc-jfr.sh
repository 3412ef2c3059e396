#!/usr/bin/env bash
set -euo pipefail
cd /work/main; source bench/lib.sh
WORK="$(mktemp -d /tmp/tiercel-alloc.XXXXXX)"; trap 'bench_cleanup' EXIT
TEST=${TEST:-get}; P=${P:-1}; N=${N:-300000}
bench_start "$WORK" tiercel bin/tiercel server --port 0 --unixsocket "$WORK/t.sock" --maxmemory 2gb --loglevel warn
PID=$LAST_PID; S="$(bench_ready_field "$READY" unixsocket)"
redis-benchmark -s "$S" -c 50 -n 1000000 -d 100 -r 100000 -t set -P 16 -q >/dev/null
redis-benchmark -s "$S" -c 50 -n 300000 -d 100 -r 100000 -t $TEST -P $P -q >/dev/null
JCMD="$(dirname "$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)")/jcmd"
$JCMD $PID JFR.start name=a settings=profile filename=/tmp/s19/a-$TEST-$P.jfr >/dev/null
redis-benchmark -s "$S" -c 50 -n $N -d 100 -r 100000 -t $TEST -P $P -q
$JCMD $PID JFR.stop name=a >/dev/null
