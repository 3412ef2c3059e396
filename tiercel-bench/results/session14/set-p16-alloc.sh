#!/usr/bin/env bash
# Where SET at pipeline 16 allocates: a node (bin/tiercel server, its default ZGC) with JFR's
# allocation sampling under redis-benchmark SET -P 16 over the UNIX socket (50 clients, 100-byte
# values, 100k random keys; 300k warm-up, then 1M), then the sampled bytes by class and by the
# top three frames. Run under the shared lock: flock /tmp/tiercel-mvn.lock <this script>.
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/setprof}
rm -rf "$OUT" && mkdir -p "$OUT"
TIERCEL_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/rec.jfr,settings=profile,dumponexit=true" \
  bin/tiercel server --port 0 --unixsocket "$OUT/t.sock" --dir "$OUT" > "$OUT/out.txt" 2>&1 &
PID=$!
for _ in $(seq 100); do grep -q ready "$OUT/out.txt" && break; sleep 0.2; done
redis-benchmark -s "$OUT/t.sock" -t set -n 300000 -P 16 -c 50 -d 100 -r 100000 -q > /dev/null
redis-benchmark -s "$OUT/t.sock" -t set -n 1000000 -P 16 -c 50 -d 100 -r 100000 -q | tr '\r' '\n' | tail -2
kill "$PID"; wait "$PID" || true
JFR=$(ls -d /usr/lib/jvm/*25*/bin | head -1)/jfr
"$JFR" print --events jdk.ObjectAllocationSample --stack-depth 8 "$OUT/rec.jfr" > "$OUT/alloc.txt"
python3 - "$OUT/alloc.txt" <<'PY'
import collections, re, sys
events = open(sys.argv[1]).read().split('jdk.ObjectAllocationSample {')[1:]
units = {'bytes': 1, 'kB': 1 << 10, 'MB': 1 << 20, 'GB': 1 << 30}
by_class, by_site = collections.Counter(), collections.Counter()
for e in events:
    cls = re.search(r'objectClass = (\S+)', e).group(1)
    m = re.search(r'weight = ([\d.,]+) (bytes|kB|MB|GB)', e)
    weight = float(m.group(1).replace(',', '')) * units[m.group(2)]
    frames = re.findall(r'\n\s+([\w.$<>]+)\(', e)
    site = ' <- '.join('.'.join(f.split('.')[-2:]) for f in frames[:3])
    by_class[cls] += weight
    by_site[cls + ' @ ' + site] += weight
total = sum(by_class.values())
print(len(events), 'samples')
for k, v in by_class.most_common(10):
    print(f'{100 * v / total:5.1f}% {k}')
print()
for k, v in by_site.most_common(12):
    print(f'{100 * v / total:5.1f}% {k}')
PY
