#!/usr/bin/env bash
# docs/benchmarks.md §9b: with the keep decision made on the out-of-fold rows only (CrossFittedKeepRule), is the
# headline (the kept ensemble's held-back score, else the single winner's) ever worse than the single winner's?
# One 'tune --no-lock --strategy random --budget-units UNITS --seed S --ensemble' per seed, each in its own work dir (its
# own journal), PAR at a time, niced; the budget is in trial units, so the machine's load changes wall time only.
# Trials per run: PG_TUNE_KEPT_UNITS (default 20, as §9b; §9h used 60, nearer the bar's per-fold trial count).
# Usage: bench/tune-kept.sh "seeds" project-dir out-dir [parallel]
#   e.g. bench/tune-kept.sh "1 2 3 4 5" bench/tune/CreditGBar /tmp/pg-kept-creditg 2
set -euo pipefail
SEEDS="$1"; PROJECT="$(cd "$2" && pwd)"; OUT="$3"; PAR="${4:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAME="$(basename "$PROJECT")"
CONFIG="${PG_TUNE_BENCH_CONFIG:-Release}"
UNITS="${PG_TUNE_KEPT_UNITS:-20}"
[ -n "${PG_TUNE_BENCH_NO_BUILD:-}" ] || dotnet build -m:1 -c "$CONFIG" "$PROJECT" >/dev/null
mkdir -p "$OUT"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)  ($(date -u +%FT%TZ), $(nproc) cores)" > "$OUT/meta.txt"
run() {
  local seed="$1" dir="$OUT/work-$1"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -r "$PROJECT/bin/$CONFIG/net10.0" "$dir/bin"; cp -r "$PROJECT/data" "$dir/data"
  ( cd "$dir" && /usr/bin/time -f "cpu %U %S wall %e" -o "$OUT/seed-$seed.time" \
      nice -n "${PG_TUNE_BENCH_NICE:-10}" dotnet "bin/$NAME.dll" tune --no-lock --strategy random --budget-units "$UNITS" \
      --seed "$seed" --ensemble > "$OUT/seed-$seed.log" 2>&1 || true )
}
running=0
for seed in $SEEDS; do
  run "$seed" &
  running=$((running + 1))
  if [ "$running" -ge "$PAR" ]; then wait -n; running=$((running - 1)); fi
done
wait
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)  ($(date -u +%FT%TZ))" >> "$OUT/meta.txt"
python3 "$ROOT/bench/tune/kept-table.py" "$OUT" | tee "$OUT/table.md"
