#!/usr/bin/env python3
# Summarizes seeds.sh output: per point and variant, the mean and worst tinylfu over seeds, the
# mean caffeine (same JVM), and how many seeds have tinylfu more than a point below that JVM's
# caffeine. Usage: summarize.py FILE [points as trace@size ...]
import sys, collections
rows = collections.defaultdict(dict)   # (variant, seed, trace, size) -> {policy: ratio}
variants = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 6: continue
    v, s, t, size, pol, r = f
    if v not in variants: variants.append(v)
    rows[(v, int(s), t, int(size))][pol] = float(r)
points = sorted({(k[2], k[3]) for k in rows})
want = sys.argv[2:]
if want: points = [p for p in points if f"{p[0]}@{p[1]}" in want]
tot = collections.Counter(); totmean = collections.defaultdict(float); n = collections.Counter()
print(f"{'point':22} {'variant':9} {'seeds':>5} {'tinylfu mean':>12} {'worst':>7} {'caffeine mean':>13} {'below':>5} {'mean-caf':>8}")
for t, size in points:
    for v in variants:
        xs = [(rows[k]['tinylfu'], rows[k].get('caffeine')) for k in rows if k[0] == v and k[2] == t and k[3] == size and 'tinylfu' in rows[k]]
        if not xs: continue
        m = sum(a for a, _ in xs) / len(xs); w = min(a for a, _ in xs)
        cs = [c for _, c in xs if c is not None]; cm = sum(cs) / len(cs)
        below = sum(1 for a, c in xs if c is not None and a < c - 0.01)
        tot[v] += below; totmean[v] += m; n[v] += 1
        print(f"{t+'@'+str(size):22} {v:9} {len(xs):5} {m:12.4f} {w:7.4f} {cm:13.4f} {below:5} {100*(m-cm):+8.2f}")
print()
for v in variants:
    if n[v]: print(f"{v:9} points={n[v]} mean of means={totmean[v]/n[v]:.4f} seed-points below caffeine-1={tot[v]}")
