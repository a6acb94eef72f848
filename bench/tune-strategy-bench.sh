#!/usr/bin/env bash
# Which tuning strategy should be the default (docs/benchmarks.md, "Tuning: which strategy"): every strategy gets the
# SAME COMPUTE, counted in full-trial equivalents (tune --budget-units U: U trials for random/bayesian; halving/hyperband
# charged each rung evaluation's share of the training rows), so the comparison does not depend on how loaded the
# machine is. Seeds side by side: a seed fixes the held-back split, the inner folds and the sampler, so within a seed
# every strategy searches the same rows and is scored on the same 20 % held-back rows it never saw (the headline).
# Every strategy also builds the Caruana ensemble of its trials (--ensemble; same trials, scored on the same rows;
# halving/hyperband from the configurations evaluated at the full budget).
# Each run's CPU seconds (user+sys, /usr/bin/time) are recorded beside, to show what a unit costs.
# Usage: bench/tune-strategy-bench.sh [units] [seeds] [strategies] [bench project dir]
#   e.g. bench/tune-strategy-bench.sh 30 "1 2 3" "random bayesian hyperband"
#        bench/tune-strategy-bench.sh 30 "1 2 3 4 5" hyperband bench/tune/Titanic   (the second data set)
# Runs are niced (PG_TUNE_BENCH_NICE, default 10) so they yield to interactive work; the budget is in units, so the
# load changes wall time only. Several strategies can run side by side in separate processes, each with its own
# PG_TUNE_BENCH_DIR; bench/tune/strategy-table.py merges several work dirs.
set -euo pipefail
UNITS="${1:-30}"; SEEDS="${2:-1 2 3}"; STRATEGIES="${3:-random bayesian hyperband}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="${4:-$ROOT/bench/tune/CreditG}"
NAME="$(basename "$PROJECT")"
WORK="${PG_TUNE_BENCH_DIR:-/tmp/pg-tune-strategy-$NAME}"
CONFIG="${PG_TUNE_BENCH_CONFIG:-Release}"
rm -rf "$WORK"; mkdir -p "$WORK/journals"
[ -n "${PG_TUNE_BENCH_NO_BUILD:-}" ] || dotnet build -m:1 -c "$CONFIG" "$PROJECT" >/dev/null
cp -r "$PROJECT/bin/$CONFIG/net10.0" "$WORK/bin"
cp -r "$PROJECT/data" "$WORK/data"
cd "$WORK"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" > meta.txt
printf "strategy\tseed\tunits\theldback_auc\tdefaults_heldback_auc\tsearch_auc\tensemble_heldback_auc\tensemble_kept\tconfigs\tcpu_s\twall_s\n" > results.tsv
for seed in $SEEDS; do
  for s in $STRATEGIES; do
    log="$WORK/$s-$seed.log"
    extra="--ensemble"; case "$s" in grid) extra="--no-ensemble";; esac
    /usr/bin/time -f "cpu %U %S wall %e" -o "$WORK/$s-$seed.time" \
      nice -n "${PG_TUNE_BENCH_NICE:-10}" dotnet "bin/$NAME.dll" tune --no-lock --strategy "$s" --budget-units "$UNITS" --seed "$seed" $extra > "$log" 2>&1 || true
    python3 - "$log" "$s" "$seed" "$UNITS" "$WORK/$s-$seed.time" >> results.tsv <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def g(pattern, group=1):
    m = re.search(pattern, text)
    return m.group(group) if m else "NA"
t = open(sys.argv[5]).read().split()
cpu = float(t[1]) + float(t[2]); wall = float(t[4])
kept = "NA"
if "Ensemble (" in text: kept = "yes" if ("the ensemble is kept: " in text or "; it is kept" in text) else "no"
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4],
    g(r"held-back score \(the honest estimate[^)]*\): \w+ ([0-9.]+)"),
    g(r"spec's own hyperparameters on the same held-back rows: +\w+ ([0-9.]+)"),
    g(r"search score \(best of \d+ on .*?optimistic\): \w+ ([0-9.]+)"),
    g(r"held-back \w+ \((?:the honest estimate, )?same \d+ rows[^)]*\): ensemble ([0-9.]+|undefined)"),
    kept, g(r"Study \S+: (\d+) trial"), f"{cpu:.1f}", f"{wall:.1f}"]))
PY
    cp .pipelinegen/tune.db "journals/$s-$seed.db" 2>/dev/null || true
    rm -f .pipelinegen/tune.db .pipelinegen/tune.db-wal .pipelinegen/tune.db-shm
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> meta.txt
python3 "$ROOT/bench/tune/strategy-table.py" "$WORK" | tee table.md
