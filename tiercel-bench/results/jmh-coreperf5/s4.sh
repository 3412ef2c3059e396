#!/usr/bin/env bash
set -u
cd /work/wt/coreperf5
L=/tmp/coreperf5/lib-base
G="-Xlog:gc:file=/tmp/coreperf5/s4gc/%p.log"
ROUNDS=4 bench/jmh-variants.sh /tmp/coreperf5/s4 "base|$L|$G" "gc1|$L|$G -XX:ParallelGCThreads=1" "nogc|$L|$G -Xmn2g"
