import re
b='/work/wt/coreperf6/tiercel-core/src/main/java/io/tiercel/core/store/'
p=b+'BoundedCache.java'; s=open(p).read()
s=s.replace('      unrecordedHits.increment();\n','      // DIAG\n',1); open(p,'w').write(s)
p=b+'KeyHash.java'; s=open(p).read()
old='int slot = brace ? KeySlot.of(key, 0, length) : crc & (KeySlot.SLOTS - 1);'
assert old in s
s=s.replace(old,'int slot = (int) (h >>> 40) & (KeySlot.SLOTS - 1);'); open(p,'w').write(s)
