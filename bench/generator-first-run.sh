#!/usr/bin/env bash
# The generator's first run in a fresh process (assembly load + JIT included), N fresh processes. Usage: bench/generator-first-run.sh [n]
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
B="${PG_BENCH_DLL:-$REPO/bench/PipelineGen.Benchmarks/bin/Release/net10.0/PipelineGen.Benchmarks.dll}"
for i in $(seq 1 "${1:-9}"); do dotnet "$B" first-run-generator; done | tee /dev/stderr | python3 -c '
import sys, statistics
rows = [dict(kv.split("=") for kv in line.split()) for line in sys.stdin if "=" in line]
for key in rows[0]:
    v = sorted(float(r[key]) for r in rows)
    print(f"{key}: median {statistics.median(v):.1f} ms, min {v[0]:.1f}, max {v[-1]:.1f} (n={len(v)})")'
