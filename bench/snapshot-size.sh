#!/usr/bin/env bash
# Size of the generated-code snapshots: lines, longest line and lines over 120 columns, before (a git revision) and now.
# Usage: bench/snapshot-size.sh [base-revision]   (default: the commit before thin generated code, a2a6fab)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-a2a6fab}"
dir=tests/PipelineGen.Generator.Tests/Snapshots
measure() { awk '{ n++; c += length($0) + 1; if (length($0) > m) m = length($0); if (length($0) > 120) o++ } END { printf "%d\t%d\t%d\t%d\n", n, m, o, c }'; }
printf "snapshot\tlines before\tlines now\tratio\tchars before\tchars now\tratio\tmax before\tmax now\t>120 before\t>120 now\n"
for f in "$dir"/*.g.cs; do
  name=$(basename "$f")
  IFS=$'\t' read -r lb mb ob cb < <(git show "$base:$dir/$name" | measure)
  IFS=$'\t' read -r ln mn on cn < <(measure < "$f")
  printf "%s\t%s\t%s\t%.2f\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\n" "$name" "$lb" "$ln" "$(echo "$ln / $lb" | bc -l)" \
    "$cb" "$cn" "$(echo "$cn / $cb" | bc -l)" "$mb" "$mn" "$ob" "$on"
done
