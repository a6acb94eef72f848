#!/usr/bin/env python3
"""Pair two credit-g bar runs (bench/tune-bar.sh outputs, e.g. bench/tune/creditg-bar-*.txt) fold by fold: the outer
folds are the same rows in both (same seed), so the difference per fold is paired. Prints a markdown table, then the mean
difference with a t interval (95 %) for the single winner and for what tune decides (the ensemble when kept, else the
single winner), over the folds both runs finished. Usage: bar-pair.py BASELINE_OUT CANDIDATE_OUT [candidate label]"""
import math, re, statistics as st, sys

LINE = re.compile(r"\s*outer fold (\d+)/(\d+): (\d+) trial\(s\).*?winner (.*?); on (\d+) unseen rows: tuned ([\d.]+), spec's own ([\d.]+)"
                  r"(?:, ensemble of (\d+) (kept|not kept) ([\d.]+))?")
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179}

def folds(path):
    result = {}
    for line in open(path, encoding="utf-8"):
        m = LINE.match(line)
        if not m: continue
        single = float(m[6])
        decided = float(m[10]) if m[9] == "kept" else single
        winner = m[4].split(",")[0].replace("trainer=", "")
        result[int(m[1])] = dict(trials=int(m[3]), winner=winner, full=m[4], single=single, decided=decided,
                                 members=m[8] if m[9] == "kept" else "-")
    return result

def interval(d):
    mean = st.mean(d)
    if len(d) < 2: return mean, float("nan"), float("nan")
    half = T95[len(d) - 1] * st.stdev(d) / math.sqrt(len(d))
    return mean, mean - half, mean + half

base_path, cand_path = sys.argv[1], sys.argv[2]
label = sys.argv[3] if len(sys.argv) > 3 else "candidate"
base, cand = folds(base_path), folds(cand_path)
common = sorted(set(base) & set(cand))
if not common: sys.exit(f"no outer fold is in both {base_path} and {cand_path}")
print(f"| outer fold | {label} trials | {label} winner | {label} single | {label} as tune decides (members) | baseline single | baseline as tune decides |")
print("|---|---|---|---|---|---|---|")
for i in common:
    c, b = cand[i], base[i]
    print(f"| {i} | {c['trials']} | {c['winner']} | {c['single']:.4f} | {c['decided']:.4f} ({c['members']}) | {b['single']:.4f} | {b['decided']:.4f} |")
print()
for name, key in (("single winner", "single"), ("as tune decides", "decided")):
    new = [cand[i][key] for i in common]; old = [base[i][key] for i in common]
    d = [a - b for a, b in zip(new, old)]
    m, lo, hi = interval(d)
    print(f"{name}: {label} mean {st.mean(new):.4f}, baseline mean {st.mean(old):.4f} over {len(common)} fold(s); "
          f"difference {m:+.4f} [{lo:+.4f}, {hi:+.4f}] (95 % t interval), better in {sum(x > 0 for x in d)} of {len(d)}")
print(f"folds where the two runs chose the same single winner: {sum(cand[i]['full'] == base[i]['full'] for i in common)} of {len(common)}")
