#!/usr/bin/env bash
# The credit-g bar of issue 17 (docs/benchmarks.md, "The credit-g bar"): the AutoML benchmark's protocol — mean AUC over
# 10 outer folds, each outer fold's search seeing only its training part — through `tune --nested 10`, with the
# product's default search space (bench/tune/CreditGBar: no tune.space, so every built-in trainer is searched) and the
# Caruana ensemble scored the same nested way. The budget is in full-trial equivalents per outer search
# (--budget-units), so the figure does not depend on the machine's load; the CPU seconds are recorded beside so the
# budget can be stated as time on an idle 2-core machine (units × CPU s per unit / 2 cores).
# Usage: bench/tune-bar.sh [budget per outer search] [seed] [strategy] [workers]
#   the budget is units (e.g. 300) or a time (e.g. 10m: --time per outer search, as the benchmark's protocol states it)
#   workers 0 = trials one at a time in the tune process (no worker processes)
#   e.g. bench/tune-bar.sh 10m 1 random 0
set -euo pipefail
UNITS="${1:-600}"; SEED="${2:-1}"; STRATEGY="${3:-random}"; WORKERS="${4:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="$ROOT/bench/tune/CreditGBar"
WORK="${PG_TUNE_BAR_DIR:-/tmp/pg-tune-bar-$UNITS-$SEED-$STRATEGY}"
case "$UNITS" in *[smh]) BUDGET=(--time "$UNITS");; *) BUDGET=(--budget-units "$UNITS");; esac
if [ "$WORKERS" = "0" ]; then WORKER_ARGS=(); else WORKER_ARGS=(--workers "$WORKERS"); fi
rm -rf "$WORK"; mkdir -p "$WORK"
[ -n "${PG_TUNE_BENCH_NO_BUILD:-}" ] || dotnet build -m:1 -c Release "$PROJECT" >/dev/null
cp -r "$PROJECT/bin/Release/net10.0" "$WORK/bin"
cp -r "$PROJECT/data" "$WORK/data"
cd "$WORK"
echo "started $(date -u +%FT%TZ); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" > meta.txt
/usr/bin/time -f "cpu %U %S wall %e" -o time.txt \
  dotnet bin/CreditGBar.dll tune --nested 10 --no-lock --ensemble --strategy "$STRATEGY" "${BUDGET[@]}" \
    "${WORKER_ARGS[@]}" --seed "$SEED" > out.txt 2> err.txt || true
echo "ended $(date -u +%FT%TZ); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> meta.txt
grep -E "outer fold|Honest estimate|with the ensemble|single winner alone|spec's own hyperparameters on the same outer" out.txt || tail -20 err.txt
cat meta.txt time.txt
