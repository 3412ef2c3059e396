#!/usr/bin/env bash
# Where a sparse read's time goes in JMH (GetPutBenchmark.get, impl=tiercel_read, fill=sparse,
# 1 thread): async-profiler 4.1 (tools.profiler:async-profiler:4.1:jar:linux-x64, unzipped to $AP)
# through JMH's own async profiler, itimer mode, flat top of methods. Needs the distribution built
# (mvn -B -q -o -ntp -DskipTests package -pl tiercel-dist -am). Run under the shared lock:
#   flock /tmp/tiercel-mvn.lock tiercel-bench/results/session15/profile-jmh-sparse-read.sh
set -eu
AP=${AP:-/tmp/ap/linux-x64/libasyncProfiler.so}
OUT=${OUT:-/tmp/profile-jmh}
cd "$(dirname "$0")/../../.."
J="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
rm -rf "$OUT"
"$J" -XX:+UseCompactObjectHeaders -cp "tiercel-dist/target/lib/*" org.openjdk.jmh.Main \
  GetPutBenchmark.get -p impl=tiercel_read -p fill=sparse -f 1 -wi 2 -i 3 -w 2s -r 2s -t 1 \
  -prof "async:libPath=$AP;event=itimer;interval=200000;output=text;flat=40;traces=0;dir=$OUT"
cat "$OUT"/*/summary-itimer.txt
