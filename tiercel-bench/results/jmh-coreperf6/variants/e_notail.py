b='/work/wt/coreperf6/tiercel-core/src/main/java/io/tiercel/core/store/'
p=b+'BoundedCache.java'; s=open(p).read()
s=s.replace('      unrecordedHits.increment();\n','      // DIAG\n',1); open(p,'w').write(s)
p=b+'Entry.java'; s=open(p).read()
old='    return d[d.length - 1] == length;\n  }'
assert old in s
s=s.replace(old,'    return true;\n  }'); open(p,'w').write(s)
