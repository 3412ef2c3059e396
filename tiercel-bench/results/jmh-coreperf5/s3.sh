#!/usr/bin/env bash
set -u
cd /work/wt/coreperf5
L=/tmp/coreperf5/lib-base; C=/tmp/coreperf5/lib-cand
D="-Xlog:gc:file=/tmp/coreperf5/s3gc/%p.log -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining"
ROUNDS=4 bench/jmh-variants.sh /tmp/coreperf5/s3 "diag|$L|$D" "cand|$C|$D" "xbatch|$L|-Xbatch $D"
