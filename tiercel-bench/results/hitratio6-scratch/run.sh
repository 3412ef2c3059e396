#!/bin/bash
# Scratch probes of branch hitratio6 (not part of the build). Copy Probe*.java.txt to
# $DIR/src/io/tiercel/core/eviction/*.java, build tiercel-core's classes and test classes
# (mvn -pl tiercel-core test-compile), then:
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin; C=tiercel-core/target
CP=$C/classes:$C/test-classes:$(ls ~/.m2/repository/org/slf4j/slf4j-api/*/slf4j-api-*.jar | tail -1)
$J/javac -d $DIR/out -cp $CP $DIR/src/io/tiercel/core/eviction/*.java
T=/work/shared/traces/lirs-gli.keys.gz
# store (real BoundedCache, its policy wrapped in an event logger) vs PolicySimulator fed with the
# store's KeyHash hashes, weight 1 (weighted=0) and the store's 72 bytes (weighted=1):
for s in 1 7 20 37; do mkdir -p s$s; flock /tmp/tiercel-mvn.lock $J/java -Dtiercel.keyHashSeed=$s \
  -cp $DIR/out:$CP io.tiercel.core.eviction.Probe $T 750 s$s; done          # store-vs-replay.txt
# seed 7: change one key's hash at a time (2,529 keys), then the event diff for key 777:
flock /tmp/tiercel-mvn.lock $J/java -Dtiercel.keyHashSeed=7 -cp $DIR/out:$CP io.tiercel.core.eviction.Probe2 $T 750
flock /tmp/tiercel-mvn.lock $J/java -Dtiercel.keyHashSeed=7 -cp $DIR/out:$CP io.tiercel.core.eviction.Probe3 $T 750 777
diff v0.log v1.log | head -12                                                   # seed7-one-key.txt
