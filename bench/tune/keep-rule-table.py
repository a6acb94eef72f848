#!/usr/bin/env python3
"""docs/benchmarks.md §9h: which keep rule predicts the blend's gain on rows no decision read?

Reads runs of either kind and lists, per run, the blend's gain on the unseen rows (ensemble − single winner: held-back
rows of bench/tune-kept.sh, or the outer validation rows of a `tune --nested` output such as bench/tune-bar.sh's
out.txt) beside what the keep rule saw on the out-of-fold rows: blend − each half's best single (the rule's own
comparison: mean, sd, favoured) and blend − the study's winner on the same halves. Then, for each candidate rule, the
mean over runs of (headline − single), where the headline is the blend when the rule keeps it, else the single winner.
The unseen rows never enter a rule, so this replays each rule exactly on the blends and winners the runs built.

Usage: keep-rule-table.py DIR_OR_FILE [...]   (a kept-bench output dir with seed-*.log, or a nested out.txt)
"""
import glob, math, os, re, statistics, sys

NUM = r"([+-]?[0-9.]+)"


def kept_runs(out):
    for log in sorted(glob.glob(os.path.join(out, "seed-*.log")), key=lambda p: int(re.search(r"seed-(\d+)", p).group(1))):
        text = open(log).read()
        hb = re.search(r"held-back \w+ \(same \d+ rows[^)]*\): ensemble ([0-9.]+), single best ([0-9.]+)", text)
        rule = re.search(r"blend − single " + NUM + r" \w+ on average \(sd ([0-9.]+)[^)]*\), (\d+) of (\d+) comparisons", text)
        if not hb or not rule:
            continue  # one member (nothing to keep), or a failed run: listed by kept-table.py
        winner = re.search(r"blend − winner " + NUM + r" on average \(sd ([0-9.]+)\), (\d+) of (\d+) for the blend", text)
        yield (f"{os.path.basename(out.rstrip('/'))} {os.path.basename(log)[:-4]}", float(hb.group(1)) - float(hb.group(2)),
               float(rule.group(1)), float(rule.group(2)), int(rule.group(3)), int(rule.group(4)),
               float(winner.group(1)) if winner else None, float(winner.group(2)) if winner else None)


def nested_runs(path):
    for line in open(path):
        m = re.search(r"outer fold (\d+)/\d+: .*tuned ([0-9.]+),.*ensemble of \d+ (?:kept ([0-9.]+)|not kept \(so the winner's [0-9.]+; the blend scored ([0-9.]+), not used\))"
                      r" \(inner: blend − single " + NUM + r" on average, sd ([0-9.]+), (\d+) of (\d+) for the blend"
                      r"(?:; blend − winner " + NUM + r", sd ([0-9.]+), \d+ of \d+)?\)", line)
        if not m:
            continue
        blend = float(m.group(3) or m.group(4))
        yield (f"{os.path.splitext(os.path.basename(path))[0]} fold {m.group(1)}", blend - float(m.group(2)),
               float(m.group(5)), float(m.group(6)), int(m.group(7)), int(m.group(8)),
               float(m.group(9)) if m.group(9) else None, float(m.group(10)) if m.group(10) else None)


def se(sd, n):
    return sd / math.sqrt(n)


# Each rule: (name, keep?(run)). Runs: (label, gain, mean, sd, favoured, compared, winner_mean, winner_sd).
RULES = [
    ("mean > 0 (the rule before §9h)", lambda r: r[2] > 0),
    ("mean > its standard error (the rule since §9h)", lambda r: r[2] > se(r[3], r[5])),
    ("mean > 2 standard errors", lambda r: r[2] > 2 * se(r[3], r[5])),
    ("8 or more of 10 favour the blend", lambda r: r[4] >= 0.8 * r[5]),
    ("vs the winner: mean > 0", lambda r: r[6] is not None and r[6] > 0),
    ("vs the winner: mean > its standard error", lambda r: r[6] is not None and r[6] > se(r[7], r[5])),
    ("never (single winner)", lambda r: False),
    ("always (blend)", lambda r: True),
]

runs = []
for arg in sys.argv[1:]:
    runs.extend(nested_runs(arg) if os.path.isfile(arg) else kept_runs(arg))

print("| run | blend − single on unseen rows | rule: blend − half's best (sd, favoured) | blend − the winner (sd) |")
print("|---|---:|---|---|")
for r in runs:
    w = "—" if r[6] is None else f"{r[6]:+.5f} ({r[7]:.5f})"
    print(f"| {r[0]} | {r[1]:+.4f} | {r[2]:+.5f} ({r[3]:.5f}, {r[4]}/{r[5]}) | {w} |")
print()
print("| keep rule | kept | mean of headline − single | kept and lost | refused and would have gained |")
print("|---|---:|---:|---:|---:|")
for name, keep in RULES:
    if any(r[6] is None for r in runs) and "winner" in name:
        usable = [r for r in runs if r[6] is not None]
    else:
        usable = runs
    if not usable:
        continue
    decided = [(keep(r), r[1]) for r in usable]
    headline = [g if k else 0.0 for k, g in decided]
    print(f"| {name} | {sum(k for k, _ in decided)} of {len(decided)} | {statistics.mean(headline):+.4f} | "
          f"{sum(1 for k, g in decided if k and g < 0)} | {sum(1 for k, g in decided if not k and g > 0)} |")
