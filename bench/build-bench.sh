#!/usr/bin/env bash
# Whole-build benchmark: a fresh console project consuming the packed PipelineGen package vs the same project without
# PipelineGen (and without the spec), interleaved with hyperfine. Usage: bench/build-bench.sh [runs]   (default 6)
# Packs both packages with a unique version into a temporary feed (as the integration tests do), so the global NuGet
# cache cannot serve a stale build; deletes that version from the cache at the end.
set -euo pipefail
RUNS="${1:-6}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="0.1.0-bench$(date -u +%Y%m%d%H%M%S)$$"
WORK="${PG_BUILD_BENCH_DIR:-/tmp/pg-build-bench}/$VERSION"
FEED="$WORK/feed"
OUT="${PG_BENCH_OUT:-$WORK/results}"
mkdir -p "$FEED" "$OUT"
command -v hyperfine >/dev/null || { echo "hyperfine not found: apt-get install -y hyperfine" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== packing $VERSION into $FEED" >&2
for p in src/PipelineGen.Runtime src/PipelineGen; do
  dotnet pack "$REPO/$p" -c Release -p:Version="$VERSION" -o "$FEED" -nodeReuse:false >"$OUT/pack-$(basename $p).log" 2>&1
done

# Two identical console apps; "with" references PipelineGen (+ spec + data), "without" references PipelineGen.Runtime
# only (same ML.NET packages flow in) and has no spec. Same Program.cs size; neither uses generated types so both
# compile the same user code.
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
// Uses the runtime's ML.NET dependency like an app would; does not refer to generated types so both variants are the same code.
var ml = new Microsoft.ML.MLContext(seed: 1);
Console.WriteLine(args.Length == 0 ? "ok " + ml.GetType().Name : string.Join(",", args));
CS
}
make_project WithPipelineGen PipelineGen
make_project WithoutPipelineGen PipelineGen.Runtime
cp /work/shared/datasets/titanic/titanic_kaggle_train_raw.csv "$WORK/WithPipelineGen/titanic.csv"
cat >"$WORK/WithPipelineGen/pipeline.yaml" <<'YAML'
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

for p in WithPipelineGen WithoutPipelineGen; do
  (cd "$WORK/$p" && dotnet restore >"$OUT/restore-$p.log" 2>&1)
  (cd "$WORK/$p" && dotnet build --no-restore >"$OUT/first-build-$p.log" 2>&1) || { tail -30 "$OUT/first-build-$p.log"; exit 1; }
done
grep -q "Titanic.PipelineGen.g.cs\|TitanicPipeline" -r "$WORK/WithPipelineGen/obj" 2>/dev/null || true

W="$WORK/WithPipelineGen"; WO="$WORK/WithoutPipelineGen"
# (a) first build after a clean: obj/bin removed (restore kept: --no-restore with project.assets.json restored once
#     up front, so NuGet is not what we time), build server kept warm — what a developer gets after `git clean` or
#     in CI with a warm server. (a') the same after `dotnet build-server shutdown` (cold compiler + MSBuild nodes).
hyperfine --runs "$RUNS" --export-json "$OUT/clean-build.json" --export-markdown "$OUT/clean-build.md" \
  --prepare "rm -rf {dir}/bin {dir}/obj/Debug" \
  -L dir "$WO,$W" "dotnet build {dir} --no-restore -nologo -v:q"
hyperfine --runs "$RUNS" --export-json "$OUT/cold-build.json" --export-markdown "$OUT/cold-build.md" \
  --prepare "dotnet build-server shutdown >/dev/null 2>&1; rm -rf {dir}/bin {dir}/obj/Debug" \
  -L dir "$WO,$W" "dotnet build {dir} --no-restore -nologo -v:q"
# (b) no-op build: nothing changed since the previous build.
dotnet build "$W" --no-restore -v:q >/dev/null; dotnet build "$WO" --no-restore -v:q >/dev/null
hyperfine --runs "$((RUNS * 2))" --warmup 1 --export-json "$OUT/noop-build.json" --export-markdown "$OUT/noop-build.md" \
  -L dir "$WO,$W" "dotnet build {dir} --no-restore -nologo -v:q"
# Evidence that the tool does not run on a no-op build.
dotnet build "$W" --no-restore -v:d >"$OUT/noop-detailed.log" 2>&1
grep -E "Skipping target \"(_PipelineGenInferSchemaCore|CoreCompile)\"|Target \"_PipelineGenInferSchemaCore\"" "$OUT/noop-detailed.log" | sed 's/^ *//' | sort -u | tee "$OUT/noop-skipped.txt"
dotnet build "$W" --no-restore -nologo -clp:PerformanceSummary >"$OUT/noop-perfsummary.log" 2>&1
grep -E "PipelineGen|CoreCompile" "$OUT/noop-perfsummary.log" | tee "$OUT/noop-pipelinegen-targets.txt"

echo "results in $OUT" >&2
# Our unique version would otherwise pile up in the global package cache.
CACHE="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$CACHE/pipelinegen/$VERSION" "$CACHE/pipelinegen.runtime/$VERSION"
