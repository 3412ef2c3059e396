#!/usr/bin/env python3
# Markdown table of the hitratio7 seed runs: per point, each variant's tinylfu mean [worst seed]
# and the seeds more than a point below that JVM's caffeine, out of the seeds run.
import sys, collections
rows = collections.defaultdict(dict)
for f in sys.argv[1:]:
    for line in open(f):
        x = line.split()
        if len(x) == 6: rows[(x[0], int(x[1]), x[2], int(x[3]))][x[4]] = float(x[5])
variants = ["base", "m4", "m8", "min4096", "min8192", "branch"]
points = [("lirs-gli", 750), ("lirs-loop", 250), ("lirs-cs", 700), ("lirs-sprite", 100), ("cache2k-orm-busy", 1000)]
print("| point (`caffeine` mean) | " + " | ".join("main" if v == "base" else v for v in variants) + " |")
print("|---|" + "---|" * len(variants))
for t, z in points:
    cells = []; caf = []
    for v in variants:
        xs = [r for k, r in rows.items() if k[0] == v and k[2] == t and k[3] == z and 'tinylfu' in r]
        if not xs: cells.append("–"); continue
        caf += [r['caffeine'] for r in xs]
        m = sum(r['tinylfu'] for r in xs) / len(xs); w = min(r['tinylfu'] for r in xs)
        b = sum(1 for r in xs if r['tinylfu'] < r['caffeine'] - 0.01)
        cells.append(f"{m:.4f} [{w:.4f}] {b}/{len(xs)}")
    print(f"| {t} @{z} ({sum(caf)/len(caf):.4f}) | " + " | ".join(cells) + " |")
