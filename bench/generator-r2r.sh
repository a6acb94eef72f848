#!/usr/bin/env bash
# Would ReadyToRun images of the analyzer assemblies (PipelineGen.Generator, PipelineGen.Spec, YamlDotNet) cut the
# generator's first-run cost in a fresh compiler process? Runs the real compiler (csc.dll, no compiler server) with
# examples/Titanic's own command line, once with the IL assemblies the package ships and once with crossgen2 images of
# the same assemblies, and reports (1) how many methods the JIT compiled (DOTNET_JitStdOutFile + JitDisasmSummary: does
# Roslyn's analyzer loader use R2R code at all?) and (2) csc's user+sys CPU, interleaved pairs.
#   bench/generator-r2r.sh [pairs, default 12]
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"; PAIRS=${1:-12}
W=${OUT:-/tmp/pg-generator-r2r}; rm -rf "$W"; mkdir -p "$W/il" "$W/r2r" "$W/outs" "$W/proj"
SDK_DIR="$(dotnet --list-sdks | tail -1 | sed 's/^\([^ ]*\) \[\(.*\)\]/\2\/\1/')"
CSC="$SDK_DIR/Roslyn/bincore/csc.dll"

# 1. The example's real csc command line (the log of a detailed build without the compiler server; its output is
#    removed first so CoreCompile runs).
rm -f "$REPO/examples/Titanic/obj/Release/net10.0/Titanic.dll"
dotnet build "$REPO/examples/Titanic" -c Release -m:1 -nologo -p:UseSharedCompilation=false -v:d > "$W/build.log"
grep -E "^\s+\S*/Roslyn/bincore/csc .*Titanic\.dll" "$W/build.log" | tail -1 | sed -E 's|^\s+\S*/Roslyn/bincore/csc ||' > "$W/cmd.txt"
[ -s "$W/cmd.txt" ] || { echo "no csc command line found in $W/build.log" >&2; exit 1; }
GEN=$(grep -o "/analyzer:[^ ]*PipelineGen.Generator.dll" "$W/cmd.txt" | cut -d: -f2-)
SPEC=$(grep -o "/analyzer:[^ ]*PipelineGen.Spec.dll" "$W/cmd.txt" | cut -d: -f2-)
YAML=$(grep -o "/analyzer:[^ ]*YamlDotNet.dll" "$W/cmd.txt" | cut -d: -f2-)
cp "$GEN" "$SPEC" "$YAML" "$W/il/"

# 2. crossgen2 images: a throw-away app referencing the three assemblies, published with PublishReadyToRun (the SDK
#    fetches the matching crossgen2 package); its output holds R2R versions of them.
cat > "$W/proj/r2r.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <SelfContained>false</SelfContained><PublishReadyToRun>true</PublishReadyToRun><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><Reference Include="$GEN" /><Reference Include="$SPEC" /><Reference Include="$YAML" />
    <PackageReference Include="Microsoft.CodeAnalysis.CSharp" Version="$(grep -o 'Microsoft.CodeAnalysis.CSharp" Version="[^"]*' "$REPO/Directory.Packages.props" | sed 's/.*Version="//')" /></ItemGroup>
</Project>
XML
echo 'System.Console.WriteLine(typeof(PipelineGen.Generator.PipelineGenerator));' > "$W/proj/Program.cs"
dotnet publish "$W/proj" -c Release -o "$W/proj/out" -nologo -v q > "$W/publish.log"
cp "$W/proj/out/PipelineGen.Generator.dll" "$W/proj/out/PipelineGen.Spec.dll" "$W/proj/out/YamlDotNet.dll" "$W/r2r/"
for v in il r2r; do
  sed -e "s|$GEN|$W/$v/PipelineGen.Generator.dll|; s|$SPEC|$W/$v/PipelineGen.Spec.dll|; s|$YAML|$W/$v/YamlDotNet.dll|" \
      -e "s|/out:[^ ]*|/out:$W/outs/$v.dll|; s|/refout:[^ ]*|/refout:$W/outs/$v.ref.dll|" "$W/cmd.txt" > "$W/$v.rsp"
done
cd "$REPO/examples/Titanic"

# 3. Methods the JIT compiled, per variant.
for v in il r2r; do
  DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$W/jit-$v.txt" dotnet exec "$CSC" "@$W/$v.rsp" > "$W/csc-$v.log" 2>&1 || true
  echo "$v: methods jitted in all $(wc -l < "$W/jit-$v.txt"); declared in PipelineGen $(grep -c 'JIT compiled PipelineGen\.' "$W/jit-$v.txt"); declared in YamlDotNet $(grep -c 'JIT compiled YamlDotNet\.' "$W/jit-$v.txt"); native code bytes of methods naming either $(grep -E 'PipelineGen\.|YamlDotNet\.' "$W/jit-$v.txt" | grep -o 'code size=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)"
done

# 4. csc CPU, interleaved (the order alternates each pair).
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; : > "$W/pairs.txt"
for r in $(seq 1 "$PAIRS"); do
  order="il r2r"; [ $((r % 2)) = 0 ] && order="r2r il"
  for v in $order; do /usr/bin/time -f "$r $v %e %U %S" -a -o "$W/pairs.txt" dotnet exec "$CSC" "@$W/$v.rsp" > /dev/null 2>&1 || true; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$PAIRS" -gt 0 ] || exit 0
python3 - "$W/pairs.txt" <<'PY'
import sys, statistics, collections
by = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, v, wall, user, sys_ = line.split(); by[r][v] = (float(wall), float(user) + float(sys_))
pairs = [p for p in by.values() if len(p) == 2]
for k, name in ((1, "CPU s"), (0, "wall s")):
    il = [p["il"][k] for p in pairs]; r2r = [p["r2r"][k] for p in pairs]; d = [p["r2r"][k] - p["il"][k] for p in pairs]
    print(f"{name}: IL median {statistics.median(il):.2f}, R2R median {statistics.median(r2r):.2f}; R2R - IL per pair median {statistics.median(d):+.3f} [{min(d):+.3f}, {max(d):+.3f}]; ratio R2R/IL {statistics.median(b/a for a, b in zip(il, r2r)):.3f} (n={len(pairs)})")
PY
