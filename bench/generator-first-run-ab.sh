#!/usr/bin/env bash
# The generator's first run in a fresh process, two builds interleaved: A = the analyzer assemblies (PipelineGen.Generator,
# PipelineGen.Spec) from a PipelineGen .nupkg (e.g. one packed before a change), B = the current Release build.
# Also lists what the JIT compiled during one run of each (DOTNET_JitDisasmSummary), grouped by type, to see where the
# first run goes.   bench/generator-first-run-ab.sh BEFORE.nupkg [rounds, default 10] [--readytorun]
# With --readytorun both sides come from the one .nupkg: A = its IL analyzers (analyzers/dotnet/cs/), B = its ReadyToRun
# images of the same assemblies (readytorun/linux-x64/, what build/PipelineGen.targets gives a linux-x64 compiler).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"; NUPKG="$1"; ROUNDS="${2:-10}"; MODE="${3:-}"
W=${OUT:-/tmp/pg-first-run-ab}; rm -rf "$W"; mkdir -p "$W"
BIN="$REPO/bench/PipelineGen.Benchmarks/bin/Release/net10.0"
[ -f "$BIN/PipelineGen.Benchmarks.dll" ] || { echo "build first: dotnet build bench/PipelineGen.Benchmarks -c Release" >&2; exit 1; }
cp -r "$BIN" "$W/B"; cp -r "$BIN" "$W/A"
unzip -o -j -q "$NUPKG" "analyzers/dotnet/cs/PipelineGen.Generator.dll" "analyzers/dotnet/cs/PipelineGen.Spec.dll" -d "$W/A"
if [ "$MODE" = "--readytorun" ]; then
  unzip -o -j -q "$NUPKG" "readytorun/linux-x64/PipelineGen.Generator.dll" "readytorun/linux-x64/PipelineGen.Spec.dll" -d "$W/B"
fi
export PG_REPO_ROOT="$REPO"
for v in A B; do
  DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$W/jit-$v.txt" dotnet "$W/$v/PipelineGen.Benchmarks.dll" first-run-generator > /dev/null
  echo "$v: methods jitted in PipelineGen.Spec/Generator $(grep -cE 'JIT compiled PipelineGen\.(Spec|Generator)' "$W/jit-$v.txt"), YamlDotNet $(grep -c 'JIT compiled YamlDotNet\.' "$W/jit-$v.txt")"
done
echo "top types jitted (B):"; grep -oE 'JIT compiled (PipelineGen\.(Spec|Generator)|YamlDotNet)[^:(]*' "$W/jit-B.txt" | sed 's/JIT compiled //' | sed -E 's/\.[^.]+$//' | sort | uniq -c | sort -rn | head -15
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; : > "$W/rounds.txt"
for r in $(seq 1 "$ROUNDS"); do
  order="A B"; [ $((r % 2)) = 0 ] && order="B A"
  for v in $order; do echo "$r $v $(dotnet "$W/$v/PipelineGen.Benchmarks.dll" first-run-generator)" >> "$W/rounds.txt"; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$W/rounds.txt" <<'PY'
import sys, statistics, collections
by = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, v, *kv = line.split(); d = dict(x.split("=") for x in kv); by[r][v] = d
pairs = [p for p in by.values() if len(p) == 2]
for key in ("pipelinegen_first_cpu", "pipelinegen_first_wall", "control_first_cpu"):
    a = [float(p["A"][key]) for p in pairs]; b = [float(p["B"][key]) for p in pairs]; ratio = [y / x for x, y in zip(a, b)]
    print(f"{key}: A median {statistics.median(a):.1f} ms, B median {statistics.median(b):.1f} ms; B/A per round median {statistics.median(ratio):.3f} [{min(ratio):.3f}, {max(ratio):.3f}] (n={len(pairs)})")
PY
