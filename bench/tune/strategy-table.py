#!/usr/bin/env python3
"""Summarises bench/tune-strategy-bench.sh: per strategy, the median and range over seeds of the held-back AUC (the
honest headline), the spec defaults on the same rows, the ensemble, CPU seconds; and from the journals, the compute
(full-trial equivalents) each strategy needed to come within 0.5 % of the best search score any strategy found with
that seed (same search rows and folds within a seed); and the paired differences against random search per seed
(median and range), the noise yardstick for changing the default. Usage: strategy-table.py <bench work dir>... (several
work dirs, e.g. one per strategy run side by side, are merged)"""
import csv, json, sqlite3, statistics, sys, os

works = sys.argv[1:]
rows = []
for work in works:
    for r in csv.DictReader(open(os.path.join(work, "results.tsv")), delimiter="\t"):
        r["work"] = work
        rows.append(r)

def num(x):
    try: return float(x)
    except (TypeError, ValueError): return None

def curve(db):
    """[(units spent, best full-budget search score so far)] in the order evaluations finished."""
    con = sqlite3.connect(db)
    rung = con.execute("SELECT count(*) FROM sqlite_master WHERE name='rung_results'").fetchone()[0]
    points, spent, best = [], 0.0, None
    if rung and con.execute("SELECT count(*) FROM rung_results").fetchone()[0] > 0:
        q = "SELECT fraction, value, state FROM rung_results ORDER BY finished_utc, trial, rung"
        for fraction, value, state in con.execute(q):
            spent += fraction
            if state == "complete" and fraction >= 1 - 1e-9 and value is not None:
                best = value if best is None else max(best, value)
            points.append((spent, best))
    else:
        for value, state in con.execute("SELECT value, state FROM trials ORDER BY number"):
            spent += 1
            if state == "complete" and value is not None:
                best = value if best is None else max(best, value)
            points.append((spent, best))
    return points

by_seed = {}
for r in rows:
    db = os.path.join(r["work"], "journals", f"{r['strategy']}-{r['seed']}.db")
    r["curve"] = curve(db) if os.path.exists(db) else []
    by_seed.setdefault(r["seed"], []).append(r)
for r in rows:
    # The best full-budget search score, from the journal (the log's line is not needed).
    final = next((b for _, b in reversed(r["curve"]) if b is not None), None)
    r["search_auc"] = f"{final:.4f}" if final is not None else "NA"
for seed, rs in by_seed.items():
    finals = [c[-1][1] for c in (r["curve"] for r in rs) if c and c[-1][1] is not None]
    ref = max(finals) if finals else None
    for r in rs:
        r["reach"] = None
        if ref is None: continue
        for units, best in r["curve"]:
            if best is not None and best >= ref * (1 - 0.005):
                r["reach"] = units; break

def med(values):
    v = [x for x in values if x is not None]
    if not v: return "n/a"
    return f"{statistics.median(v):.4f} [{min(v):.4f}, {max(v):.4f}]"

for work in works:
    meta = os.path.join(work, "meta.txt")
    if os.path.exists(meta): print(f"{os.path.basename(work)}: " + open(meta).read().strip().replace("\n", "; "))
print()
print("| strategy | seeds | held-back AUC, median [min, max] | spec defaults, same rows | best search AUC (optimistic) | ensemble held-back AUC | units to within 0.5 % of the seed's best (median; per seed) | CPU s per run (median) |")
print("|---|---|---|---|---|---|---|---|")
for s in dict.fromkeys(r["strategy"] for r in rows):
    rs = [r for r in rows if r["strategy"] == s]
    reach = [r["reach"] for r in rs]
    reach_text = (f"{statistics.median([x for x in reach if x is not None]):.1f}" if any(x is not None for x in reach) else "n/a") \
        + "; " + "/".join("—" if x is None else f"{x:.2f}".rstrip("0").rstrip(".") for x in reach)
    ens = med([num(r["ensemble_heldback_auc"]) for r in rs]) if any(num(r["ensemble_heldback_auc"]) for r in rs) else "not built"
    print(f"| {s} | {','.join(r['seed'] for r in rs)} | {med([num(r['heldback_auc']) for r in rs])} | {med([num(r['defaults_heldback_auc']) for r in rs])} "
          f"| {med([num(r['search_auc']) for r in rs])} | {ens} | {reach_text} | {statistics.median([float(r['cpu_s']) for r in rs]):.0f} |")
print()
print("Per run:")
print("| strategy | seed | held-back AUC | defaults | search AUC | ensemble (kept?) | configurations | CPU s | wall s |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['strategy']} | {r['seed']} | {r['heldback_auc']} | {r['defaults_heldback_auc']} | {r['search_auc']} | {r['ensemble_heldback_auc']} ({r['ensemble_kept']}) | {r['configs']} | {r['cpu_s']} | {r['wall_s']} |")

print()
print("Paired differences against random search, same seed (same search rows, folds and held-back rows):")
print("| strategy | seeds paired | held-back AUC − random's, median [min, max] | ensemble held-back − random's ensemble | search AUC − random's |")
print("|---|---|---|---|---|")
def paired(s, key):
    d = []
    for seed, rs in by_seed.items():
        mine = next((r for r in rs if r["strategy"] == s), None); base = next((r for r in rs if r["strategy"] == "random"), None)
        if mine and base and num(mine[key]) is not None and num(base[key]) is not None: d.append(num(mine[key]) - num(base[key]))
    return d
for s in dict.fromkeys(r["strategy"] for r in rows):
    if s == "random": continue
    cells = []
    for key in ("heldback_auc", "ensemble_heldback_auc", "search_auc"):
        d = paired(s, key)
        cells.append(f"{statistics.median(d):+.4f} [{min(d):+.4f}, {max(d):+.4f}] (n={len(d)})" if d else "n/a")
    print(f"| {s} | {len(paired(s, 'heldback_auc'))} | {cells[0]} | {cells[1]} | {cells[2]} |")
