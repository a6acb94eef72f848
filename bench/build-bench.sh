#!/usr/bin/env bash
# Whole-build benchmark: a fresh console project consuming the packed PipelineGen package vs the same project without
# PipelineGen (and without the spec), runs interleaved (each round runs both projects back to back in a random order).
# Usage: bench/build-bench.sh [rounds]   (default 6; env PG_BUILD_BENCH_WORK=<dir of an earlier run> reuses its packages)
# Packs both packages with a unique version into a temporary feed (as the integration tests do), so the global NuGet
# cache cannot serve a stale build; deletes that version from the cache at the end.
# Never runs `dotnet build-server shutdown` (that would stop other users' build servers on a shared machine): "cold"
# is -nodeReuse:false -p:UseSharedCompilation=false, i.e. a fresh MSBuild node and a fresh csc process.
set -euo pipefail
ROUNDS="${1:-6}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ -n "${PG_BUILD_BENCH_WORK:-}" ]]; then
  WORK="$PG_BUILD_BENCH_WORK"; VERSION="$(basename "$WORK")"
else
  VERSION="0.1.0-bench$(date -u +%Y%m%d%H%M%S)$$"
  WORK="/tmp/pg-build-bench/$VERSION"
fi
FEED="$WORK/feed"; OUT="${PG_BENCH_OUT:-$WORK/results}"
mkdir -p "$FEED" "$OUT"
W="$WORK/WithPipelineGen"; WO="$WORK/WithoutPipelineGen"

if [[ ! -f "$FEED/PipelineGen.$VERSION.nupkg" ]]; then
  echo "== packing $VERSION into $FEED" >&2
  for p in src/PipelineGen.Runtime src/PipelineGen; do
    dotnet pack "$REPO/$p" -c Release -p:Version="$VERSION" -o "$FEED" -nodeReuse:false >"$OUT/pack-$(basename $p).log" 2>&1
  done
fi

# Two console apps with the same Program.cs; "with" references PipelineGen (+ pipeline.yaml + data), "without"
# references PipelineGen.Runtime only (the same ML.NET packages flow in) and has no spec.
make_project() { # name, package
  local dir="$WORK/$1"; mkdir -p "$dir"
  cat >"$dir/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><add key="bench" value="$FEED" /></packageSources></configuration>
XML
  cat >"$dir/$1.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings><RootNamespace>App</RootNamespace></PropertyGroup>
  <ItemGroup><PackageReference Include="$2" Version="$VERSION" /></ItemGroup>
</Project>
XML
  cat >"$dir/Program.cs" <<'CS'
// Uses ML.NET like an app would; does not refer to generated types, so both variants compile the same user code.
var ml = new Microsoft.ML.MLContext(seed: 1);
Console.WriteLine(args.Length == 0 ? "ok " + ml.GetType().Name : string.Join(",", args));
CS
}
make_project WithPipelineGen PipelineGen
make_project WithoutPipelineGen PipelineGen.Runtime
cp /work/shared/datasets/titanic/titanic_kaggle_train_raw.csv "$W/titanic.csv"
cat >"$W/pipeline.yaml" <<'YAML'
version: 1
name: Titanic
task: { kind: binary, label: survived }
data:
  train: titanic.csv
  columns:
    name: { type: text }
    ticket: { role: ignore }
    pclass: { type: categorical }
    age: { missing: median }
prepare:
  missing_indicators: true
model:
  trainer: lightgbm
  params: { leaves: 8, iterations: 30 }
YAML
for d in "$W" "$WO"; do
  (cd "$d" && dotnet restore -nologo >"$OUT/restore-$(basename "$d").log" 2>&1)
  dotnet build "$d" --no-restore -nologo >"$OUT/first-build-$(basename "$d").log" 2>&1 || { tail -30 "$OUT/first-build-$(basename "$d").log"; exit 1; }
done
ls "$W"/obj/Debug/net10.0/pipelinegen/*.schema.json >/dev/null # the tool ran

# kind: clean = first build after removing bin/ and obj/Debug (restore kept), default CLI (build servers on);
#       cold  = the same with -nodeReuse:false -p:UseSharedCompilation=false (fresh MSBuild node and compiler process);
#       noop  = build again with nothing changed.
one() { # kind, dir -> appends "kind project round wall user sys" to samples.tsv
  local kind="$1" dir="$2" round="$3" extra=()
  [[ "$kind" != noop ]] && rm -rf "$dir/bin" "$dir/obj/Debug"
  [[ "$kind" == cold ]] && extra=(-nodeReuse:false -p:UseSharedCompilation=false)
  /usr/bin/time -f "%e %U %S" -o "$OUT/time.tmp" dotnet build "$dir" --no-restore -nologo -v:q "${extra[@]}" >"$OUT/last-$kind-$(basename "$dir").log" 2>&1 \
    || { tail -20 "$OUT/last-$kind-$(basename "$dir").log"; exit 1; }
  echo -e "$kind\t$(basename "$dir")\t$round\t$(tr ' ' '\t' <"$OUT/time.tmp")" >>"$OUT/samples.tsv"
}
: >"$OUT/samples.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for kind in clean cold noop; do
    if (( RANDOM % 2 )); then one $kind "$WO" $round; one $kind "$W" $round; else one $kind "$W" $round; one $kind "$WO" $round; fi
  done
  echo "round $round done (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
# A second no-op pass, twice as many rounds (the no-op is the target that must add nothing).
for round in $(seq 1 "$((ROUNDS * 2))"); do
  if (( RANDOM % 2 )); then one noop "$WO" "n$round"; one noop "$W" "n$round"; else one noop "$W" "n$round"; one noop "$WO" "n$round"; fi
done
python3 "$REPO/bench/summarize-pairs.py" "$OUT/samples.tsv" WithoutPipelineGen WithPipelineGen | tee "$OUT/summary.md"

# Evidence that the tool (and the compiler) do not run on a no-op build, and PipelineGen's own share of it.
dotnet build "$W" --no-restore -nologo -v:d >"$OUT/noop-detailed.log" 2>&1
grep -E "Skipping target \"(_PipelineGenInferSchemaCore|CoreCompile)\"" "$OUT/noop-detailed.log" | sed 's/^ *//' | sort -u | tee "$OUT/noop-skipped.txt"
grep -c "PipelineGen.Tool.dll infer" "$OUT/noop-detailed.log" | sed 's/^/tool invocations in the no-op build: /' | tee -a "$OUT/noop-skipped.txt" || true
dotnet build "$W" --no-restore -nologo -clp:PerformanceSummary >"$OUT/noop-perfsummary.log" 2>&1
grep -E "PipelineGen|CoreCompile" "$OUT/noop-perfsummary.log" | tee "$OUT/noop-pipelinegen-targets.txt"
echo "results in $OUT" >&2
if [[ -z "${PG_KEEP_PACKAGES:-}" ]]; then
  CACHE="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  rm -rf "$CACHE/pipelinegen/$VERSION" "$CACHE/pipelinegen.runtime/$VERSION"
fi
