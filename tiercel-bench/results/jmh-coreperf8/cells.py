#!/usr/bin/env python3
"""Per cell: medians of the per-round ratios branch/main, main/caffeine and branch/caffeine.

Usage: cells.py OUTDIR...         one line per OUTDIR and fill
       cells.py --pool OUTDIR...  branch/main over all rounds of all OUTDIRs together, per fill
(each OUTDIR a bench/jmh-variants.sh output with variants main, branch and, optionally, caffeine)
"""
import sys, statistics, collections

def rounds(d, fill):
    ops = collections.defaultdict(dict)          # round -> name -> ops/s
    for line in open(d + "/runs.txt"):
        r, name, row, v = line.split()[:4]
        if row.split("/")[0] == fill:
            ops[int(r)][name] = float(v)
    return [ops[r] for r in sorted(ops)]

def med(cells, a, b):
    xs = [c[a] / c[b] for c in cells if a in c and b in c]
    return statistics.median(xs) if xs else float("nan")

args = sys.argv[1:]
if args and args[0] == "--pool":
    for fill in ("sparse", "full"):
        cells = [c for d in args[1:] for c in rounds(d, fill)]
        xs = [c["branch"] / c["main"] for c in cells]
        print("%-40s %-6s branch/main %.2f over %d rounds (%d above 1; min %.2f, max %.2f)" % (
            " ".join(args[1:]), fill, statistics.median(xs), len(xs), sum(x > 1 for x in xs),
            min(xs), max(xs)))
else:
    for d in args:
        for fill in ("sparse", "full"):
            cells = rounds(d, fill)
            print("%-10s %-6s branch/main %.2f  main/caffeine %.2f  branch/caffeine %.2f" % (
                d, fill, med(cells, "branch", "main"), med(cells, "main", "caffeine"),
                med(cells, "branch", "caffeine")))
