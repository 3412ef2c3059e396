#!/usr/bin/env python3
"""Per cell: medians of the per-round ratios branch/main, main/caffeine and branch/caffeine.

Usage: cells.py OUTDIR...  (each a bench/jmh-variants.sh OUTDIR with variants main, branch, caffeine)
"""
import sys, statistics, collections
for d in sys.argv[1:]:
    ops = collections.defaultdict(dict)          # (round, fill) -> name -> ops
    for line in open(d + "/runs.txt"):
        r, name, row, v = line.split()[:4]
        ops[(r, row.split("/")[0])][name] = float(v)
    for fill in ("sparse", "full"):
        cells = [v for (r, f), v in sorted(ops.items()) if f == fill]
        def med(a, b):
            xs = [c[a] / c[b] for c in cells if a in c and b in c]
            return statistics.median(xs) if xs else float("nan")
        print("%-28s %-6s branch/main %.2f  main/caffeine %.2f  branch/caffeine %.2f" % (
            d, fill, med("branch", "main"), med("main", "caffeine"), med("branch", "caffeine")))
