#!/usr/bin/env python3
"""Summarise interleaved A/B samples: kind, project, round, wall, user, sys (tab-separated) -> markdown table of medians,
IQR and per-round paired ratios (candidate / baseline) and differences. Usage: summarize-pairs.py samples.tsv BASELINE CANDIDATE"""
import statistics, sys
from collections import defaultdict

path, base, cand = sys.argv[1:4]
rows = defaultdict(dict)  # (kind, round) -> project -> (wall, cpu)
for line in open(path):
    kind, project, rnd, wall, user, system = line.split()
    rows[(kind, rnd)][project] = (float(wall), float(user) + float(system))

def q(v, p):
    v = sorted(v); pos = (len(v) - 1) * p; lo = int(pos); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)

print(f"| build | n | {base} wall s median [IQR] | {cand} wall s median [IQR] | added wall s median [min, max] | ratio wall median [min, max] | {base} CPU s | {cand} CPU s | ratio CPU median [min, max] |")
print("|---|---|---|---|---|---|---|---|---|")
for kind in ["clean", "cold", "noop"]:
    pairs = [r for k, r in rows.items() if k[0] == kind and base in r and cand in r]
    if not pairs: continue
    a = [p[base] for p in pairs]; b = [p[cand] for p in pairs]
    aw = [x[0] for x in a]; bw = [x[0] for x in b]; ac = [x[1] for x in a]; bc = [x[1] for x in b]
    rw = [y / x for x, y in zip(aw, bw)]; rc = [y / x for x, y in zip(ac, bc)]; d = [y - x for x, y in zip(aw, bw)]
    f = lambda v: f"{statistics.median(v):.2f} [{q(v, .25):.2f}–{q(v, .75):.2f}]"
    print(f"| {kind} | {len(pairs)} | {f(aw)} | {f(bw)} | {statistics.median(d):+.2f} [{min(d):+.2f}, {max(d):+.2f}] | "
          f"{statistics.median(rw):.3f} [{min(rw):.3f}, {max(rw):.3f}] | {statistics.median(ac):.2f} | {statistics.median(bc):.2f} | "
          f"{statistics.median(rc):.3f} [{min(rc):.3f}, {max(rc):.3f}] |")
