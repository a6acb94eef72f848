#!/usr/bin/env bash
# What halving's low rungs should spend (issue #17; docs/benchmarks.md): Hyperband on credit-g with the same compute
# (--budget-units, full-trial equivalents: a rung at 1/9 costs 1/9 whether it fits 1/9 of the rows or 1/9 of the
# trees), once with --halving-budget rows and once with iterations, seeds side by side (a seed fixes the held-back
# split, the folds and the sampler). Headline: the winner's AUC on the 20 % held-back rows the search never saw; beside
# it the CPU seconds (user+sys, /usr/bin/time) and what each rung spent. No ensemble: this compares the searches.
# Usage: bench/tune-halving-budget.sh [units] [seeds] [kinds] [bench project dir]
#   e.g. bench/tune-halving-budget.sh 20 "1 2 3" "rows iterations"
set -euo pipefail
UNITS="${1:-20}"; SEEDS="${2:-1 2 3}"; KINDS="${3:-rows iterations}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="${4:-$ROOT/bench/tune/CreditG}"
NAME="$(basename "$PROJECT")"
WORK="${PG_TUNE_BENCH_DIR:-/tmp/pg-tune-halving-budget-$NAME}"
CONFIG="${PG_TUNE_BENCH_CONFIG:-Release}"
rm -rf "$WORK"; mkdir -p "$WORK"
[ -n "${PG_TUNE_BENCH_NO_BUILD:-}" ] || dotnet build -m:1 -c "$CONFIG" "$PROJECT" >/dev/null
cp -r "$PROJECT/bin/$CONFIG/net10.0" "$WORK/bin"
cp -rL "$PROJECT/data" "$WORK/data"
cd "$WORK"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" > meta.txt
printf "budget\tseed\tunits\theldback_auc\tdefaults_heldback_auc\tsearch_auc\tconfigs\trung_evals\tcpu_s\twall_s\n" > results.tsv
for seed in $SEEDS; do
  for k in $KINDS; do
    log="$WORK/$k-$seed.log"
    /usr/bin/time -f "cpu %U %S wall %e" -o "$WORK/$k-$seed.time" \
      nice -n "${PG_TUNE_BENCH_NICE:-10}" dotnet "bin/$NAME.dll" tune --no-lock --no-ensemble --strategy hyperband --halving-budget "$k" \
        --budget-units "$UNITS" --seed "$seed" > "$log" 2>&1 || true
    python3 - "$log" "$k" "$seed" "$UNITS" "$WORK/$k-$seed.time" >> results.tsv <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def g(pattern, group=1):
    m = re.search(pattern, text)
    return m.group(group) if m else "NA"
t = open(sys.argv[5]).read().split()
cpu = float(t[1]) + float(t[2]); wall = float(t[4])
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4],
    g(r"held-back score \(the honest estimate[^)]*\): \w+ ([0-9.]+)"),
    g(r"spec's own hyperparameters on the same held-back rows: +\w+ ([0-9.]+)"),
    g(r"search score \(best of \d+ on .*?optimistic\): \w+ ([0-9.]+)"),
    g(r"Study \S+: (\d+) trial"), g(r"(\d+) rung evaluation"), f"{cpu:.1f}", f"{wall:.1f}"]))
PY
    grep -E "^Halving budget|^  rung " "$log" | sed "s/^/$k seed $seed: /" >> rungs.txt || true
    rm -f .pipelinegen/tune.db .pipelinegen/tune.db-wal .pipelinegen/tune.db-shm
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> meta.txt
cat results.tsv rungs.txt meta.txt
