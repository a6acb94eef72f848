#!/usr/bin/env bash
# Runs bench/tune-strategy-bench.sh once per (strategy, seed) in its own process and work dir, all side by side (niced),
# so a loaded shared machine spreads its CPU over every run rather than finishing one seed at a time; then merges the
# work dirs into one table with bench/tune/strategy-table.py. Same budget per run in full-trial equivalents, so the
# parallelism changes wall time only.
# Usage: bench/tune-strategy-parallel.sh units "seeds" "strategies" project-dir out-prefix
#   e.g. bench/tune-strategy-parallel.sh 20 "1 2 3 4 5" "random bayesian hyperband" bench/tune/Titanic /tmp/pg-tsp-titanic
set -euo pipefail
UNITS="$1"; SEEDS="$2"; STRATEGIES="$3"; PROJECT="$4"; OUT="$5"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CONFIG="${PG_TUNE_BENCH_CONFIG:-Release}"
[ -n "${PG_TUNE_BENCH_NO_BUILD:-}" ] || dotnet build -m:1 -c "$CONFIG" "$PROJECT" >/dev/null
dirs=()
for seed in $SEEDS; do
  for s in $STRATEGIES; do
    dir="$OUT-$s-$seed"; dirs+=("$dir")
    PG_TUNE_BENCH_NO_BUILD=1 PG_TUNE_BENCH_DIR="$dir" bash "$ROOT/bench/tune-strategy-bench.sh" "$UNITS" "$seed" "$s" "$PROJECT" > "$dir.out" 2>&1 &
  done
done
wait
python3 "$ROOT/bench/tune/strategy-table.py" "${dirs[@]}" | tee "$OUT-table.md"
