#!/bin/bash
# Scratch replay of TinyLfuPolicy (branch hitratio4; not part of the build). From a checkout of
# 2279b84: copy tiercel-core/src/main/java/io/tiercel/core/eviction/*.java and the test sources
# PolicySimulator.java and TestNode.java into one source tree, apply knobs.diff there (static
# knobs; the file also shows the scratch-only rules), add Scratch.java.txt as Scratch.java, and
# compile against tiercel-core/target/classes and caffeine-3.2.3.jar into DIR. Then, e.g.:
#   run.sh 3 base,caf,eag,cafeag,cafeaglong,real arc-P3:131072           # p3-variants-a.txt
#   run.sh 3 skip,skipvf2 <17 small traces>                              # small-skip-vf2.txt
#   run.sh 2 skip,skipprel arc-P3:32768,65536,131072,262144 arc-P12:65536,131072 \
#       arc-P2:65536 cache2k-orm-busy:20000,40000 corda-vaultservice:65536 # sel-h.txt
#   TRACE=100000 run.sh 1 skip,cafskip arc-P3:131072                     # p3-trajectory-skip.txt
# Each point's "caffeine" column is real Caffeine 3.2.3 keyed by Long (one run); variants run over
# seeds 1..N of a seeded 64-bit mix of the key, masked to the store's 30 bits. Variant names
# combine flags: skip = reads withheld until the cache is half full, as the store does (the
# committed policy is always run this way by the store); caf = referee off (Caffeine's rule);
# eag = sketch table sized for the maximum up front; long = Long.hashCode keys; real = real
# Caffeine keyed by the seeded hash; half = climber sample restarted at half full; warm = referee
# acts only after the sketch's first halving; th/t1/t2 = only after 0.5/1/2 maxima evicted;
# neg = votes start at -32; vf2 = cold victims (estimate <= 1) need a lead of two; vfa = cold
# victims lose to a one-count lead, no vote; split = separate votes for cold and warm victims;
# nv1 = cold pairs do not vote; dz16/dz24/dz48lim64 = dead zone 16/24/48 (limit 64);
# prea/pren = pairs against residents of the half-full moment admit / do not vote (exact set);
# pres = pren only if a read was withheld; prel = pren for caches above 16,384 entries, until
# the sketch's first halving (the committed rule, with an exact set instead of the filter).
SMALL="arc-OLTP cache2k-web07 cache2k-web12 corda-vaultservice lirs-2_pools lirs-backf lirs-cpp lirs-cs lirs-gli lirs-loop lirs-multi1 lirs-multi2 lirs-multi3 lirs-ps lirs-scan lirs-sprite lirs-zigzag"
CAF=${CAF:-$HOME/.m2/repository/com/github/ben-manes/caffeine/caffeine/3.2.3/caffeine-3.2.3.jar}
exec flock /tmp/tiercel-mvn.lock java -Xmx3g -XX:+UseCompactObjectHeaders \
  -cp "$DIR:tiercel-core/target/classes:$CAF" io.tiercel.core.eviction.Scratch "$@"
