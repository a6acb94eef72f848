#!/usr/bin/env bash
# Ensemble candidates from every trainer family (docs/benchmarks.md §9a): the same study run by two builds of the
# credit-g bar project (bench/tune/CreditGBar: the default space, where the trainer itself is searched), OLD = the
# ensemble's candidates are the best 10 trials overall, NEW = the best trial of each trainer first, then the best others.
# Per seed both builds run `tune --no-lock --strategy random --budget-units UNITS --seed S --ensemble` (20 % of the rows
# held back, never seen by the search) in their own work dir; same seed = same split, same folds, same proposals, so
# the single winner's held-back AUC must be identical and only the ensemble's candidates differ. The table pairs them.
# Usage: bench/tune-ensemble-pool.sh OLD_BIN NEW_BIN [UNITS] ["SEEDS"]
#   OLD_BIN / NEW_BIN: the CreditGBar build output folders (bin/Release/net10.0), e.g. copied to /tmp/pgens/old-bin
#   e.g. bench/tune-ensemble-pool.sh /tmp/pgens/old-bin /tmp/pgens/new-bin 30 "1 2 3 4 5"
# Runs are niced (PG_TUNE_BENCH_NICE, default 10); old and new of a seed run side by side. The budget is in trials,
# so the machine's load changes the wall time only. Output: $PG_ENSEMBLE_POOL_DIR (default /tmp/pgens/pool-UNITS).
set -euo pipefail
OLD_BIN="$(cd "$1" && pwd)"; NEW_BIN="$(cd "$2" && pwd)"; UNITS="${3:-30}"; SEEDS="${4:-1 2 3 4 5}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/bench/tune/CreditGBar/data"
WORK="${PG_ENSEMBLE_POOL_DIR:-/tmp/pgens/pool-$UNITS}"
NICE="${PG_TUNE_BENCH_NICE:-10}"
mkdir -p "$WORK"
echo "started $(date -u +%FT%TZ); load average at start: $(cut -d' ' -f1-3 /proc/loadavg); units $UNITS; seeds $SEEDS" > "$WORK/meta.txt"

run() { # build seed
  local dir="$WORK/$1-$2"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -r "$([ "$1" = old ] && echo "$OLD_BIN" || echo "$NEW_BIN")" "$dir/bin"
  cp -r "$DATA" "$dir/data"
  (cd "$dir" && /usr/bin/time -f "cpu %U %S wall %e" -o time.txt \
    nice -n "$NICE" dotnet bin/CreditGBar.dll tune --no-lock --strategy random --budget-units "$UNITS" --seed "$2" --ensemble \
      > out.txt 2> err.txt || echo "exit $?" >> err.txt)
}

for seed in $SEEDS; do
  run old "$seed" & run new "$seed" & wait
  echo "seed $seed done $(date -u +%FT%TZ); load average: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/meta.txt"
done
echo "ended $(date -u +%FT%TZ); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/meta.txt"

python3 - "$WORK" $SEEDS <<'PY' | tee "$WORK/table.md"
import re, statistics, sys
work, seeds = sys.argv[1], sys.argv[2:]
def parse(build, seed):
    d = f"{work}/{build}-{seed}"
    text = open(f"{d}/out.txt").read()
    def g(p):
        m = re.search(p, text)
        return m.group(1) if m else None
    t = open(f"{d}/time.txt").read().split()
    ens = None
    m = re.search(r"held-back \w+ \(the honest estimate, same \d+ rows\): ensemble ([0-9.]+|undefined)", text)
    if m: ens = m.group(1)
    kept = "yes" if "; it is kept" in text else ("no" if "Ensemble (" in text else "not built")
    block = text.split("Ensemble (", 1)[1] if "Ensemble (" in text else ""
    members = re.findall(r"^\s+([0-9.]+) x trial \d+: trainer=(\w+)", block, re.M)
    trainers = {}
    for w, tr in members: trainers[tr] = trainers.get(tr, 0) + float(w)
    pool = g(r"Ensemble \(greedy selection with replacement over the out-of-fold predictions of (.*?), \d+ steps")
    return dict(single=g(r"held-back score \(the honest estimate[^)]*\): \w+ ([0-9.]+)"),
                winner=g(r"Winner: trial \d+: trainer=(\w+)"), ens=ens, kept=kept,
                members=", ".join(f"{k} {v:.2f}" for k, v in sorted(trainers.items(), key=lambda kv: -kv[1])) or "-",
                pool=pool, cpu=float(t[1]) + float(t[2]))
rows, diffs = [], []
print("| seed | winner (trainer) | single held-back AUC old / new | old ensemble AUC, kept? | old members (weight by trainer) | new ensemble AUC, kept? | new members (weight by trainer) | new − old ensemble | CPU s old / new | new candidates |")
print("|---|---|---|---|---|---|---|---|---|---|")
for s in seeds:
    o, n = parse("old", s), parse("new", s)
    same = "identical" if o["single"] == n["single"] else "DIFFERENT"
    diff = None
    try: diff = float(n["ens"]) - float(o["ens"])
    except (TypeError, ValueError): pass
    if diff is not None: diffs.append(diff)
    print(f"| {s} | {o['winner']} | {o['single']} / {n['single']} ({same}) | {o['ens']}, {o['kept']} | {o['members']} | {n['ens']}, {n['kept']} | {n['members']} | "
          f"{'NA' if diff is None else f'{diff:+.4f}'} | {o['cpu']:.0f} / {n['cpu']:.0f} | {n['pool']} |")
if diffs:
    print(f"\npaired new − old ensemble held-back AUC over {len(diffs)} seed(s): median {statistics.median(diffs):+.4f}, "
          f"range {min(diffs):+.4f} .. {max(diffs):+.4f}, mean {statistics.mean(diffs):+.4f}; "
          f"new better in {sum(d > 0 for d in diffs)}, equal in {sum(d == 0 for d in diffs)}, worse in {sum(d < 0 for d in diffs)}")
PY
cat "$WORK/meta.txt"
