#!/bin/bash
# Scratch replay of TinyLfuPolicy (branch hitratio5; not part of the build). From a checkout of
# 23bc217: copy tiercel-core/src/main/java/io/tiercel/core/eviction/*.java and the test sources
# PolicySimulator.java and TestNode.java into one source tree, apply knobs.diff there (static
# knobs; PolicySimulator withholds reads until half full, as the store does), add Scratch.java.txt
# as Scratch.java, and compile with javac 25 against tiercel-core/target/classes and
# caffeine-3.2.3.jar into DIR. Each point's "caffeine" column is real Caffeine 3.2.3 keyed by Long
# (one run); variants run over seeds 1..N of a seeded 64-bit mix of the key, masked to 30 bits.
# Variant names combine knobs: base = the branch's start; mN = N times Caffeine's sketch table for
# caches of at most 16,384 entries (base: 2); nojit = no random admission of warm candidates;
# dzN = referee dead zone N (base 8); limN = vote bound N (base 32); slN = N pair slots (base
# 1024); all = every read passed on, none withheld. PERSEED=1 prints each seed's hit ratio,
# TRACE=N the votes and window every N requests.
#   run.sh 16 base,m1,m4,nojit,dz4,dz16,all lirs-loop:250,500 lirs-gli:500,750,1000 lirs-cs:500,700,900   # v1.txt
#   run.sh 16 base,lim16,lim24,sl4096,sl4096lim16,lim16dz4 lirs-loop:250 lirs-gli:500,750,1000 lirs-cs:500,700,900  # v2.txt
#   run.sh 4 base,lim24 <the 17 smaller traces>                                              # small-lim24.txt
CAF=${CAF:-$HOME/.m2/repository/com/github/ben-manes/caffeine/caffeine/3.2.3/caffeine-3.2.3.jar}
exec flock /tmp/tiercel-mvn.lock java -Xmx2g -XX:+UseCompactObjectHeaders \
  -cp "$DIR:tiercel-core/target/classes:$CAF" io.tiercel.core.eviction.Scratch "$@"
