exec(open('/tmp/cp6/e_c.py').read())
p='/work/wt/coreperf6/tiercel-core/src/main/java/io/tiercel/core/KeySlot.java'
s=open(p).read()
old='''    return crc16Word(0, bigEndianTail ^ fold) ^ kept;'''
new='''    long x = bigEndianTail ^ fold;
    if (count <= 4) {
      return TABLES[3 * 256 + ((int) (x >>> 24) & 0xFF)]
          ^ TABLES[2 * 256 + ((int) (x >>> 16) & 0xFF)]
          ^ TABLES[256 + ((int) (x >>> 8) & 0xFF)]
          ^ TABLES[(int) x & 0xFF]
          ^ kept;
    }
    return crc16Word(0, x) ^ kept;'''
assert old in s
s=s.replace(old,new); open(p,'w').write(s)
