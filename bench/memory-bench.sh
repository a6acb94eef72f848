#!/usr/bin/env bash
# Streaming / memory benchmark: peak RSS (/usr/bin/time -v "Maximum resident set size") of the real `evaluate` (k-fold)
# and `explore` commands on synthetic taxis data at 1x, 10x and 50x the rows, plus the process floor (`--help`: runtime,
# ML.NET and the generated pipeline loaded, no data). Big files go to /tmp only.
# Usage: bench/memory-bench.sh [factors...]   (default: 1 10 50)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
FACTORS=("${@:-1 10 50}"); read -r -a FACTORS <<<"${FACTORS[*]}"
DATA="${PG_MEMORY_DATA_DIR:-/tmp/pg-memory-data}"
OUT="${PG_BENCH_OUT:-/tmp/pg-memory-results}"
mkdir -p "$DATA" "$OUT"
dotnet build "$REPO/bench/PipelineGen.Benchmarks" -c Release -nologo -v:q >/dev/null
BENCH="dotnet $REPO/bench/PipelineGen.Benchmarks/bin/Release/net10.0/PipelineGen.Benchmarks.dll"
$BENCH prepare-memory >/dev/null

run() { # label, args...
  local label="$1"; shift
  /usr/bin/time -v $BENCH cli "$@" >"$OUT/$label.stdout" 2>"$OUT/$label.stderr" || true
  local rss wall mem
  rss=$(grep "Maximum resident set size" "$OUT/$label.stderr" | awk '{print $NF}')
  wall=$(grep "Elapsed (wall clock)" "$OUT/$label.stderr" | awk '{print $NF}')
  mem=$(grep "^MEM " "$OUT/$label.stderr" | tail -1)
  printf '%s\tmax_rss_mb=%.1f\twall=%s\t%s\n' "$label" "$(echo "$rss / 1024" | bc -l)" "$wall" "$mem" | tee -a "$OUT/summary.tsv"
}

: >"$OUT/summary.tsv"
run floor --help
for f in "${FACTORS[@]}"; do
  file="$DATA/taxis-x$f.csv"
  [[ -f "$file" ]] || $BENCH synth "$f" "$file" >/dev/null
  echo "# x$f: $(($(wc -l <"$file") - 1)) rows, $(du -m "$file" | cut -f1) MB" | tee -a "$OUT/summary.tsv"
  run "evaluate-x$f" evaluate --data "$file" --folds 3
  run "explore-x$f" explore --data "$file" --output "$OUT/explore-x$f.html"
done
echo "results in $OUT" >&2
