#!/usr/bin/env python3
"""The table of bench/tune-ensemble-pool.sh (docs/benchmarks.md §9a): per seed, the old pool (best 10 trials) against the
new one (each trainer's best, then the best others) on the same study. Reads old-<seed>/ and new-<seed>/ (out.txt, the
`tune` output; time.txt, /usr/bin/time) under one or more work dirs (seeds run in separate dirs can be merged).
Usage: bench/tune/ensemble-pool-table.py WORKDIR [WORKDIR ...]"""
import os, re, statistics, sys

def parse(d):
    text = open(f"{d}/out.txt").read()
    def g(p):
        m = re.search(p, text)
        return m.group(1) if m else None
    t = open(f"{d}/time.txt").read().split()
    m = re.search(r"held-back \w+ \(the honest estimate, same \d+ rows\): ensemble ([0-9.]+|undefined)", text)
    kept = "yes" if "; it is kept" in text else ("no" if "Ensemble (" in text else "not built")
    block = text.split("Ensemble (", 1)[1] if "Ensemble (" in text else ""
    trainers = {}
    for w, tr in re.findall(r"^\s+([0-9.]+) x trial \d+: trainer=(\w+)", block, re.M):
        trainers[tr] = trainers.get(tr, 0) + float(w)
    return dict(single=g(r"held-back score \(the honest estimate[^)]*\): \w+ ([0-9.]+)"),
                winner=g(r"Winner: trial \d+: trainer=(\w+)"), ens=m.group(1) if m else None, kept=kept,
                members=", ".join(f"{k} {v:.2f}" for k, v in sorted(trainers.items(), key=lambda kv: -kv[1])) or "-",
                pool=g(r"Ensemble \(greedy selection with replacement over the out-of-fold predictions of (.*?), \d+ steps"),
                cpu=float(t[1]) + float(t[2]), top10=top10(text))

def top10(text):
    """Trainers among the best 10 trials by the printed search score (4 decimals; ties by trial number): the old pool."""
    trials = [(float(v), int(n), tr) for n, v, tr in re.findall(r"^  trial (\d+)/\d+\s+\w+ ([0-9.]+) .*?\| trainer=(\w+)", text, re.M)]
    best = sorted(trials, key=lambda t: (-t[0], t[1]))[:10]
    inside, searched = len({tr for _, _, tr in best}), len({tr for _, _, tr in trials})
    # The new pool swaps one of the old pool's weakest trials for the best of each trainer missing from it.
    return f"{inside} of {searched}; {searched - inside} trial(s) swapped"

runs = {}
for work in sys.argv[1:]:
    for name in os.listdir(work):
        m = re.fullmatch(r"(old|new)-(\d+)", name)
        if m and os.path.exists(f"{work}/{name}/time.txt") and os.path.getsize(f"{work}/{name}/time.txt") > 0:  # finished
            runs.setdefault(int(m.group(2)), {})[m.group(1)] = f"{work}/{name}"
diffs, delivered = [], []
def delivers(r):
    return float(r["ens"]) if r["kept"] == "yes" else float(r["single"])
print("| seed | winner | single held-back AUC old / new | old ensemble AUC, kept? | old members (weight by trainer) | new ensemble AUC, kept? "
      "| new members (weight by trainer) | new − old ensemble | CPU s old / new | trainers in the best 10 (old pool) of those tried | new candidates |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for s in sorted(runs):
    if set(runs[s]) != {"old", "new"}:
        print(f"| {s} | (only {', '.join(runs[s])} finished) |||||||||")
        continue
    o, n = parse(runs[s]["old"]), parse(runs[s]["new"])
    same = "identical" if o["single"] == n["single"] and o["winner"] == n["winner"] else "DIFFERENT"
    diff = None
    try: diff = float(n["ens"]) - float(o["ens"])
    except (TypeError, ValueError): pass
    if diff is not None: diffs.append(diff)
    if o["single"] and n["single"]: delivered.append(delivers(n) - delivers(o))
    print(f"| {s} | {o['winner']} | {o['single']} / {n['single']} ({same}) | {o['ens']}, {o['kept']} | {o['members']} | {n['ens']}, {n['kept']} "
          f"| {n['members']} | {'NA' if diff is None else f'{diff:+.4f}'} | {o['cpu']:.0f} / {n['cpu']:.0f} | {o['top10']} | {n['pool']} |")
if diffs:
    print(f"\npaired new − old ensemble held-back AUC over {len(diffs)} seed(s): median {statistics.median(diffs):+.4f}, "
          f"range {min(diffs):+.4f} .. {max(diffs):+.4f}, mean {statistics.mean(diffs):+.4f}; "
          f"new better in {sum(d > 5e-5 for d in diffs)}, equal in {sum(abs(d) <= 5e-5 for d in diffs)}, worse in {sum(d < -5e-5 for d in diffs)}")
if delivered:
    print(f"paired new − old of what tune delivers (the ensemble if kept, else the single winner): median {statistics.median(delivered):+.4f}, "
          f"range {min(delivered):+.4f} .. {max(delivered):+.4f}")
