#!/usr/bin/env bash
# Where a node's CPU goes under redis-benchmark SET and GET at pipeline 16 over the UNIX socket
# (50 clients, 100-byte values, 100k random keys, or KEYS; SET 1M then 3M requests, or SET 1M then GET 3M):
# async-profiler 4.1 (Maven Central, tools.profiler:async-profiler:4.1:jar:linux-x64, unzipped to
# $AP) in itimer mode, collapsed stacks, then the inclusive share of the frames that matter.
#   flock /tmp/tiercel-mvn.lock tiercel-bench/results/session15/profile-set-get-p16.sh set|get [JVM flags]
set -u
AP=${AP:-/tmp/ap/linux-x64/libasyncProfiler.so}
TEST=$1; shift
W=${OUT:-/tmp/profile-p16}; rm -rf "$W"; mkdir -p "$W"
cd "$(dirname "$0")/../../.."
TIERCEL_JAVA_OPTS="$* -agentpath:$AP=start,event=itimer,interval=100us,file=$W/$TEST.collapsed,collapsed" \
  bin/tiercel server --port 0 --unixsocket "$W/t.sock" --maxmemory 2gb --loglevel warn > "$W/node.out" 2>&1 & NP=$!
for _ in $(seq 100); do grep -q ready "$W/node.out" && break; sleep 0.2; done
redis-benchmark -s "$W/t.sock" -c 50 -n 1000000 -d 100 -r "${KEYS:-100000}" -P 16 -t set -q | tr '\r' '\n' | grep "per sec"
redis-benchmark -s "$W/t.sock" -c 50 -n 3000000 -d 100 -r "${KEYS:-100000}" -P 16 -t "$TEST" -q | tr '\r' '\n' | grep "per sec"
kill $NP; wait $NP
python3 - "$W/$TEST.collapsed" <<'PY'
import collections, sys
incl = collections.Counter(); total = 0
for line in open(sys.argv[1]):
    stack, n = line.rsplit(' ', 1); n = int(n); total += n
    for f in set(stack.split(';')):
        incl[f] += n
print("samples", total)
for f, n in incl.most_common(80):
    if 'tiercel' in f:
        print("%5.1f%% %6d %s" % (100 * n / total, n, f))
PY
