#!/bin/bash
cd /work/wt/referee
T=/work/shared/traces
for seed in 2 3 4 5 6; do
  for v in main:9223372036854775807 off:16384; do
    n=${v%%:*}; m=${v#*:}
    TIERCEL_JAVA_OPTS="-Dtiercel.keyHashSeed=$seed -Dtiercel.exp.refereeMax=$m" flock /tmp/tiercel-mvn.lock timeout 1500 bin/tiercel bench hitratio --trace $T/arc-P2.keys.gz,$T/arc-P3.keys.gz,$T/arc-P12.keys.gz --sizes 32768,65536,131072,262144,524288 --policies tinylfu --threads 2 > /tmp/ref/large-s$seed-$n.txt 2>>/tmp/ref/err.txt
  done
done
flock /tmp/tiercel-mvn.lock timeout 1500 bin/tiercel bench hitratio --trace $T/arc-P2.keys.gz,$T/arc-P3.keys.gz,$T/arc-P12.keys.gz --sizes 32768,65536,131072,262144,524288 --policies caffeine --threads 2 > /tmp/ref/large-caffeine.txt 2>>/tmp/ref/err.txt
