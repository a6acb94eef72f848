#!/usr/bin/env bash
# Tuning benchmark on credit-g (docs/benchmarks.md, "Tuning"): the AutoML benchmark's protocol — mean AUC over outer
# folds, each outer fold's search seeing only its training rows — for several strategies with the same time budget per
# search, several seeds side by side; the spec's untuned defaults are scored on the same outer folds by every run.
# Usage: bench/tune-bench.sh [time per search, e.g. 10m] [outer folds] [seeds] [strategies]
#   full (lead, ~2 h per strategy and seed on 2 cores): bench/tune-bench.sh 10m 10 "1 2 3" "random bayesian halving hyperband"
set -euo pipefail
TIME="${1:-15s}"; FOLDS="${2:-3}"; SEEDS="${3:-1 2}"; STRATEGIES="${4:-random bayesian hyperband}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PG_TUNE_BENCH_DIR:-/tmp/pg-tune-bench}"
rm -rf "$WORK"; mkdir -p "$WORK"
CONFIG="${PG_TUNE_BENCH_CONFIG:-Release}"
dotnet build -m:1 -c "$CONFIG" "$ROOT/bench/tune/CreditG" >/dev/null
cp -r "$ROOT/bench/tune/CreditG/bin/$CONFIG/net10.0" "$WORK/bin"
cp -r "$ROOT/bench/tune/CreditG/data" "$WORK/data"
cd "$WORK"
printf "strategy\tseed\tnested_auc\tstd\tdefaults_auc\ttrials_per_fold\n" > results.tsv
for seed in $SEEDS; do
  for s in $STRATEGIES; do
    log="$WORK/$s-$seed.log"
    # One journal per run (kept for the per-trial analysis).
    mkdir -p journals
    dotnet bin/CreditG.dll tune --nested "$FOLDS" --no-lock --no-ensemble --strategy "$s" --time "$TIME" --seed "$seed" > "$log" 2>&1 || true
    python3 - "$log" "$s" "$seed" >> results.tsv <<'PY'
import re, sys
text = open(sys.argv[1]).read()
head = re.search(r"Honest estimate .*?: auc ([0-9.]+)(?: ± ([0-9.]+))?", text)
base = re.search(r"spec's own hyperparameters on the same outer folds: +auc ([0-9.]+)", text)
trials = re.findall(r"outer fold \d+/\d+: (\d+) trial", text)
print("\t".join([sys.argv[2], sys.argv[3], head.group(1) if head else "NA", (head.group(2) or "") if head else "",
                 base.group(1) if base else "NA", "/".join(trials)]))
PY
    cp .pipelinegen/tune.db "journals/$s-$seed.db" 2>/dev/null || true
    rm -f .pipelinegen/tune.db .pipelinegen/tune.db-wal .pipelinegen/tune.db-shm
  done
done
cat results.tsv
