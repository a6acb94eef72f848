#!/usr/bin/env bash
# Appends the runtime's public symbols that are not yet in the baseline to PublicAPI.Unshipped.txt (RS0016), for a
# public change made on purpose: a new helper that generated code calls, or a new member of PipelineSettings.
# Review the diff before committing; an accidental public change should become internal instead.
# A removed or changed public symbol (RS0017) needs its old line deleted from PublicAPI.Shipped.txt by hand.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build PipelineGen.Runtime.csproj -m:1 -p:TreatWarningsAsErrors=false 2>&1 \
  | grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | sort -u > /tmp/pipelinegen-new-api.txt || true
cat /tmp/pipelinegen-new-api.txt >> PublicAPI.Unshipped.txt
echo "added $(wc -l < /tmp/pipelinegen-new-api.txt) symbols to PublicAPI.Unshipped.txt"
