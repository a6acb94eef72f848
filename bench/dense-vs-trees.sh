#!/usr/bin/env bash
# Dense network vs the examples' trees (docs/benchmarks.md §11): for each regression example, a copy outside the
# repository (PipelineGenRepoRoot points back here) with a second spec, dense.pipeline.yaml = the example's spec whose
# model section is only 'trainer: dense' (PipelineGen's defaults) plus a 'tune' block over the dense trainer's default
# space; 'evaluate' on both specs (same data, protocol, folds and seed), then 'tune --budget-units U' on the dense spec
# (a compute budget in full-trial equivalents: independent of the machine's load).
# Usage: bench/dense-vs-trees.sh [budget-units=12] [examples="WineQuality TaxiFares"] [tune examples="WineQuality"]
# Raw output: $PG_BENCH_DIR/dense-vs-trees/<Example>/{evaluate,tune}.txt; figures: docs/benchmarks.md §11.
set -euo pipefail
UNITS=${1:-12}; EXAMPLES=${2:-"WineQuality TaxiFares"}; TUNED=${3:-"WineQuality"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${PG_BENCH_DIR:-/tmp/pg-bench}/dense-vs-trees/examples
rm -rf "$WORK"; mkdir -p "$WORK"
cp "$ROOT/examples/Directory.Build.props" "$ROOT/examples/Directory.Build.targets" "$WORK/"
for e in $EXAMPLES; do
  d="$WORK/$e"; mkdir -p "$d"
  cp -r "$ROOT/examples/$e/data" "$ROOT/examples/$e/pipeline.yaml" "$ROOT/examples/$e/$e.csproj" "$d/"
  name=$(sed -n 's/^name: //p' "$d/pipeline.yaml")
  { sed -n '/^model:/q;p' "$d/pipeline.yaml" | sed "s/^name: .*/name: ${name}Dense/"; cat <<'YAML'
model:
  trainer: dense
tune:                            # the dense trainer's default space (docs/runtime-networks.md, "Tuning"), dense only
  strategy: random
  space:
    units: { min: 8, max: 128, scale: log }
    depth: { min: 1, max: 3 }
    dropout: { min: 0, max: 0.5 }
    l2: { min: 0.000001, max: 0.01, scale: log }
    learning_rate: { min: 0.0001, max: 0.03, scale: log }
YAML
  } > "$d/dense.pipeline.yaml"
  printf 'return args is ["dense", .. var rest]\n    ? %s.%sDensePipeline.RunCommandLine(rest)\n    : %s.%sPipeline.RunCommandLine(args);\n' "$e" "$name" "$e" "$name" > "$d/Program.cs"
  (cd "$d" && dotnet build -m:1 -v q -nologo "-p:PipelineGenRepoRoot=$ROOT/")
  dll="$d/bin/Debug/net10.0/$e.dll"
  { echo "load average before: $(cat /proc/loadavg)"; date -u
    echo "== trees evaluate"; (cd "$d" && dotnet "$dll" evaluate)
    echo "== dense evaluate"; (cd "$d" && dotnet "$dll" dense evaluate)
    echo "load average after: $(cat /proc/loadavg)"; date -u; } > "$d/evaluate.txt" 2>&1
  if [[ " $TUNED " == *" $e "* ]]; then
    { echo "load average before: $(cat /proc/loadavg)"; date -u
      (cd "$d" && dotnet "$dll" dense tune --budget-units "$UNITS" --seed 1 --no-lock)
      echo "load average after: $(cat /proc/loadavg)"; date -u; } > "$d/tune.txt" 2>&1
  fi
  grep -E "^(load|== )|rmse \*|held-back|search score" "$d/evaluate.txt" "$d/tune.txt" 2>/dev/null || true
done
