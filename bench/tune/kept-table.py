#!/usr/bin/env python3
"""Table for docs/benchmarks.md §9b from bench/tune-kept.sh's logs: per seed, the single winner's and the ensemble's
held-back scores, the keep rule's decision and figures, the headline (kept ? ensemble : single) and headline - single."""
import glob, os, re, statistics, sys

out = sys.argv[1]
rows = []
for log in sorted(glob.glob(os.path.join(out, "seed-*.log")), key=lambda p: int(re.search(r"seed-(\d+)", p).group(1))):
    seed = int(re.search(r"seed-(\d+)", log).group(1))
    text = open(log).read()
    def g(pattern):
        m = re.search(pattern, text)
        return m.group(1) if m else None
    single = g(r"held-back score \(the honest estimate[^)]*\): \w+ ([0-9.]+)")
    ens = g(r"held-back \w+ \(same \d+ rows[^)]*\): ensemble ([0-9.]+|undefined)")
    members = len(re.findall(r"^  [0-9.]+ x trial \d+:", text, re.M))
    kept = "the ensemble is kept: " in text
    diff = g(r"blend − single ([+-]?[0-9.]+) \w+ on average")
    sd = g(r"on average \(sd ([0-9.]+)[,)]")
    fav = re.search(r"(\d+) of (\d+) comparisons favoured the blend", text)
    rule = f"{diff}{f' sd {sd}' if sd else ''} ({fav.group(1)}/{fav.group(2)})" if diff and fav else ("one member: nothing to keep" if members == 1 else "NA")
    if single is None:
        rows.append((seed, None)); continue
    s = float(single)
    e = float(ens) if ens not in (None, "undefined") else None
    headline = e if kept and e is not None else s
    rows.append((seed, (s, e, members, kept, rule, headline, headline - s)))

print("| seed | single held-back AUC | ensemble held-back AUC | members | keep rule: mean blend − single, sd (favoured/compared) | kept? | headline | headline − single |")
print("|---:|---:|---:|---:|---|---|---:|---:|")
deltas = []
for seed, r in rows:
    if r is None:
        print(f"| {seed} | run failed (see seed-{seed}.log) | | | | | | |"); continue
    s, e, members, kept, rule, headline, d = r
    deltas.append(d)
    print(f"| {seed} | {s:.4f} | {'—' if e is None else f'{e:.4f}'} | {members} | {rule} | {'yes' if kept else 'no'} | {headline:.4f} | {d:+.4f} |")
if deltas:
    print()
    print(f"headline − single: median {statistics.median(deltas):+.4f}, range {min(deltas):+.4f} .. {max(deltas):+.4f}, "
          f"negative in {sum(d < 0 for d in deltas)} of {len(deltas)}, kept in {sum(r[3] for _, r in rows if r)} of {len(deltas)}")
