#!/usr/bin/env bash
# Dense networks: PipelineGen's DenseTrainer vs scikit-learn's MLPClassifier/MLPRegressor, same data split,
# architecture, optimizer (Adam, no weight decay), batch size, epochs and learning rate; rounds interleaved in a
# random order so load spikes hit both sides. Both sides single-threaded (BLAS threads pinned to 1).
# Usage: bench/dense-bench.sh [rounds=5] [epochs=50] [layers=64,32] [batch=64]
# Results: docs/benchmarks.md, "Dense networks".
set -euo pipefail
ROUNDS=${1:-5}; EPOCHS=${2:-50}; LAYERS=${3:-64,32}; BATCH=${4:-64}; LR=0.001
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${PG_BENCH_DIR:-/tmp/pg-bench}/dense
mkdir -p "$WORK"

# Debian's scikit-learn (a benchmark dependency only, never the product's): installed when missing and root.
if ! /usr/bin/python3 -c "import sklearn" 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-sklearn; else
    echo "python3-sklearn is missing: run as root or 'sudo apt-get install python3-sklearn'" >&2; exit 1; fi
fi
# Debian's interpreter: the one python3-sklearn installs into (a pyenv python3 earlier on PATH would not see it).
PY=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

dotnet build "$ROOT/bench/dense/DenseBench" -c Release -m:1 -v q -nologo >/dev/null
BENCH="$ROOT/bench/dense/DenseBench/bin/Release/net10.0/DenseBench.dll"
# A copy of the UCI Wine Quality (red) data, 1,599 rows x 11 features (CC BY 4.0, Cortez et al. 2009).
"$PY" "$ROOT/bench/dense/mlp_bench.py" prepare "$ROOT/bench/dense/winequality-red.csv" "$WORK" 7

OUT="$WORK/results.jsonl"; : > "$OUT"
echo "{\"load_average_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  for task in binary regression; do
    sides=(pipelinegen sklearn); [ $((RANDOM % 2)) = 0 ] && sides=(sklearn pipelinegen)
    for side in "${sides[@]}"; do
      if [ "$side" = pipelinegen ]; then
        line=$(dotnet "$BENCH" train "$WORK/${task}_train.csv" "$WORK/${task}_valid.csv" "$task" "$EPOCHS" "$BATCH" "$LAYERS" "$LR" "$round")
      else
        line=$("$PY" "$ROOT/bench/dense/mlp_bench.py" sklearn "$WORK/${task}_train.csv" "$WORK/${task}_valid.csv" "$task" "$EPOCHS" "$BATCH" "$LAYERS" "$LR" "$round")
      fi
      echo "${line%\}}, \"task\": \"$task\", \"round\": $round}" | tee -a "$OUT"
    done
  done
done
dotnet "$BENCH" peak | tee -a "$OUT"
echo "{\"load_average_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT"
echo "load average at start / end: $(head -1 "$OUT") / $(tail -1 "$OUT")"
"$PY" "$ROOT/bench/dense/mlp_bench.py" summarize "$OUT"
