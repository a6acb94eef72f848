#!/usr/bin/env bash
# What the generator adds to a compile in a fresh compiler process (no compiler server), IL against the ReadyToRun images
# the package ships. Runs the real compiler (the SDK's csc.dll) with examples/Titanic's own command line in three
# variants, interleaved (the order rotates each round):
#   none  no PipelineGen analyzers; the generator's output for this spec is passed as an ordinary source file
#   il    the package's analyzers/dotnet/cs/ (what every host but linux-x64 gets)
#   r2r   the package's readytorun/linux-x64/ (what build/PipelineGen.targets gives a linux-x64 SDK)
# and reports (1) the methods the JIT compiled in each (DOTNET_JitDisasmSummary, deterministic) and (2) csc's user+sys
# CPU: per round il - none and r2r - none, the generator's cost in that process. Needs an idle machine for (2).
#   bench/generator-r2r.sh PipelineGen.<version>.nupkg [rounds, default 15]
#   (the .nupkg: dotnet pack src/PipelineGen -c Release -o <feed>; its assemblies must be the ones built from this tree)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"; NUPKG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; ROUNDS=${2:-15}
W=${OUT:-/tmp/pg-generator-r2r}; rm -rf "$W"; mkdir -p "$W/il" "$W/r2r" "$W/outs" "$W/gen"
SDK_DIR="$(dotnet --list-sdks | tail -1 | sed 's/^\([^ ]*\) \[\(.*\)\]/\2\/\1/')"
CSC="$SDK_DIR/Roslyn/bincore/csc.dll"

# 1. The example's real csc command line (a detailed build without the compiler server; its output is removed first so
#    CoreCompile runs) and the generator's output for it.
rm -f "$REPO/examples/Titanic/obj/Release/net10.0/Titanic.dll"
dotnet build "$REPO/examples/Titanic" -c Release -m:1 -nologo -p:UseSharedCompilation=false -p:EmitCompilerGeneratedFiles=true \
  -p:CompilerGeneratedFilesOutputPath="$W/gen" -v:d > "$W/build.log"
grep -E "^\s+\S*/Roslyn/bincore/csc .*Titanic\.dll" "$W/build.log" | tail -1 | sed -E 's|^\s+\S*/Roslyn/bincore/csc ||' > "$W/cmd.txt"
[ -s "$W/cmd.txt" ] || { echo "no csc command line found in $W/build.log" >&2; exit 1; }
GENERATED=$(find "$W/gen" -name '*.g.cs' | head -1); [ -n "$GENERATED" ] || { echo "no generated source in $W/gen" >&2; exit 1; }
GEN=$(grep -o "/analyzer:[^ ]*PipelineGen.Generator.dll" "$W/cmd.txt" | cut -d: -f2-)
SPEC=$(grep -o "/analyzer:[^ ]*PipelineGen.Spec.dll" "$W/cmd.txt" | cut -d: -f2-)
YAML=$(grep -o "/analyzer:[^ ]*YamlDotNet.dll" "$W/cmd.txt" | cut -d: -f2-)
unzip -o -j -q "$NUPKG" "analyzers/dotnet/cs/*" -d "$W/il"
unzip -o -j -q "$NUPKG" "readytorun/linux-x64/*" -d "$W/r2r"
for v in il r2r; do
  sed -e "s|$GEN|$W/$v/PipelineGen.Generator.dll|; s|$SPEC|$W/$v/PipelineGen.Spec.dll|; s|$YAML|$W/$v/YamlDotNet.dll|" \
      -e "s|/out:[^ ]*|/out:$W/outs/$v.dll|; s|/refout:[^ ]*|/refout:$W/outs/$v.ref.dll|" "$W/cmd.txt" > "$W/$v.rsp"
done
sed -e "s|/analyzer:$GEN||; s|/analyzer:$SPEC||; s|/analyzer:$YAML||" \
    -e "s|/out:[^ ]*|/out:$W/outs/none.dll|; s|/refout:[^ ]*|/refout:$W/outs/none.ref.dll|" "$W/cmd.txt" > "$W/none.rsp"
echo " $GENERATED" >> "$W/none.rsp"; sed -i ':a;N;$!ba;s/\n / /' "$W/none.rsp"
cd "$REPO/examples/Titanic"

# 2. Methods the JIT compiled, per variant (and every variant must compile: the generated types are used by Program.cs).
for v in none il r2r; do
  DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$W/jit-$v.txt" dotnet exec "$CSC" "@$W/$v.rsp" > "$W/csc-$v.log" 2>&1 \
    || { echo "csc failed for $v:" >&2; tail -5 "$W/csc-$v.log" >&2; exit 1; }
  echo "$v: methods jitted in all $(wc -l < "$W/jit-$v.txt"); declared in PipelineGen $(grep -c 'JIT compiled PipelineGen\.' "$W/jit-$v.txt"); declared in YamlDotNet $(grep -c 'JIT compiled YamlDotNet\.' "$W/jit-$v.txt")"
done

# 3. csc CPU, interleaved (the order rotates each round).
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; : > "$W/rounds.txt"
orders=("none il r2r" "il r2r none" "r2r none il")
for r in $(seq 1 "$ROUNDS"); do
  for v in ${orders[$((r % 3))]}; do /usr/bin/time -f "$r $v %e %U %S" -a -o "$W/rounds.txt" dotnet exec "$CSC" "@$W/$v.rsp" > /dev/null 2>&1 || true; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$ROUNDS" -gt 0 ] || exit 0
python3 - "$W/rounds.txt" <<'PY'
import sys, statistics, collections
by = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, v, wall, user, sys_ = line.split(); by[r][v] = (float(wall), float(user) + float(sys_))
rounds = [p for p in by.values() if len(p) == 3]
for k, name in ((1, "CPU"), (0, "wall")):
    med = {v: statistics.median(p[v][k] for p in rounds) for v in ("none", "il", "r2r")}
    print(f"{name}: median none {med['none']:.3f} s, il {med['il']:.3f} s, r2r {med['r2r']:.3f} s (n={len(rounds)})")
    for v in ("il", "r2r"):
        d = sorted(1000 * (p[v][k] - p["none"][k]) for p in rounds)
        q = lambda f: d[min(len(d) - 1, int(f * len(d)))]
        print(f"  {v} - none per round: median {statistics.median(d):+.0f} ms [Q1 {q(0.25):+.0f}, Q3 {q(0.75):+.0f}; min {d[0]:+.0f}, max {d[-1]:+.0f}]")
    d = [1000 * (p["r2r"][k] - p["il"][k]) for p in rounds]
    print(f"  r2r - il per round: median {statistics.median(d):+.0f} ms [{min(d):+.0f}, {max(d):+.0f}]")
PY
