#!/usr/bin/env bash
# docs/benchmarks.md §6: `predict --input` on a 10,000-row file (TaxiFares, LightGBM regression), ML.NET vs ONNX Runtime
# (PredictStep.PredictCsv with --engine mlnet / onnx, the same code the CLI runs), interleaved in one process, order
# alternating, one warm-up round not counted. Prints wall and process CPU per run, medians, ratios and the load average.
# Usage: bench/predict-onnx-bench.sh [repetitions=5]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
echo "load average before: $(cat /proc/loadavg)"
PIPELINEGEN_BENCH_PREDICT="$reps" dotnet test tests/PipelineGen.Export.Tests -m:1 \
  --filter "FullyQualifiedName~PredictThroughOnnxTests.Predict_on_a_large_file_both_ways_agrees_and_reports_time" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "predict [0-9]+ rows|ratio ML.NET|Passed|Failed|error" || true
echo "load average after: $(cat /proc/loadavg)"
