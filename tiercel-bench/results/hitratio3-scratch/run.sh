#!/bin/bash
# Scratch replay of TinyLfuPolicy over the traces, 8 hash seeds, variants switched by static knobs
# (branch hitratio3; not part of the build). From the repository root, at commit 640f40c:
#   git apply tiercel-bench/results/hitratio3-scratch/knobs.patch   # adds the knobs, then revert
#   mvn -B -ntp -q -DskipTests package -pl tiercel-core
# then compile the eviction package, PolicySimulator/TestNode (tiercel-core test sources) and
# Scratch.java.txt (as Scratch.java) into one directory and run, e.g.:
#   java -cp DIR:tiercel-core/target/classes io.tiercel.core.eviction.Scratch 8 base,caf,m2,m4,cons,m2cons <17 small traces>
#   java -cp DIR:tiercel-core/target/classes io.tiercel.core.eviction.Scratch 8 base,h8,h16,m2,m2h8,m2h16 <17 small traces>
#   java -cp DIR:tiercel-core/target/classes io.tiercel.core.eviction.Scratch 3 base,m2,m2h8,m2h16 arc-P12:1024 arc-P2:8192 arc-P3:1024,8192
# Variants: base = main's policy; caf = marginal admissions off (Caffeine's rules, so with
# Long::hashCode it is Caffeine keyed by Long: the cafLong column); m2/m4 = sketch table x2/x4;
# cons = conservative update; h8/h16 = referee dead zone of 8/16 votes.
SMALL="arc-OLTP cache2k-web07 cache2k-web12 corda-vaultservice lirs-2_pools lirs-backf lirs-cpp lirs-cs lirs-gli lirs-loop lirs-multi1 lirs-multi2 lirs-multi3 lirs-ps lirs-scan lirs-sprite lirs-zigzag"
