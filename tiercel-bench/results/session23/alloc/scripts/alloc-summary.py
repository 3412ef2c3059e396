#!/usr/bin/env python3
"""Session 23: summarizes an async-profiler alloc profile (collapsed): the share of sampled bytes
by allocated type, and by (innermost io.tiercel frame -> type).
Usage: alloc-summary.py FILE.collapsed [N]"""
import collections
import sys

by_type = collections.Counter()
by_site = collections.Counter()
total = 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(' ')
    n = int(n)
    frames = stack.split(';')
    total += n
    by_type[frames[-1]] += n
    site = next((f for f in reversed(frames[:-1]) if 'tiercel' in f), frames[-2] if len(frames) > 1 else '?')
    by_site[site + ' -> ' + frames[-1]] += n
top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
print("types:")
for k, v in by_type.most_common(top):
    print("%5.1f%% %s" % (100 * v / total, k))
print("sites:")
for k, v in by_site.most_common(top):
    print("%5.1f%% %s" % (100 * v / total, k))
