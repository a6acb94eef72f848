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
# so the machine's load changes the wall time only. Output: $PG_ENSEMBLE_POOL_DIR (default /tmp/pgens/pool-UNITS);
# the table: bench/tune/ensemble-pool-table.py (give it several work dirs to merge seeds run in separate dirs).
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

python3 "$ROOT/bench/tune/ensemble-pool-table.py" "$WORK" | tee "$WORK/table.md"
cat "$WORK/meta.txt"
