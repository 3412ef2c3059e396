p='/work/wt/coreperf6/tiercel-core/src/main/java/io/tiercel/core/store/BoundedCache.java'
s=open(p).read()
old='private final LongAdder droppedHits = new LongAdder();'
assert old in s
s=s.replace(old,'private final HitCounter droppedHits = new HitCounter();'); open(p,'w').write(s)
