#!/usr/bin/env bash
# Requests/s and p50/p99 latency of the generated REST endpoint vs a hand-written minimal API with a pooled engine
# (same model, same server) vs a JSON echo on that server, with wrk on loopback. Rounds are interleaved (the order
# rotates each round) so load from other work on the machine hits every endpoint alike; the summary gives medians and
# the median of per-round ratios.
# Besides wrk's requests/s it records the SERVER process's CPU time per request (utime+stime from /proc/<pid>/stat
# before and after each run, divided by the requests wrk completed): on a loaded 2-core machine requests/s mostly
# measures how much CPU the server was given, while CPU/request measures what a request costs it.
#   bench/serving-bench.sh [seconds per run, default 10] [rounds, default 3] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}; ROUNDS=${2:-3}; CONNECTIONS=${3:-16}; PORT=${PORT:-5099}
OUT=${OUT:-/tmp/pg-serving-bench}; mkdir -p "$OUT"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
  else echo "wrk is not installed (as root: apt-get install wrk)" >&2; exit 2; fi
fi

dotnet build bench/PipelineGen.ServingBench -c Release -m:1 -v q -nologo >/dev/null
# Thread-pool workers spin before they sleep; at a low request rate (a starved load generator) that spinning is CPU
# the server burns per request without doing work. Off, so CPU/request counts work (the same for every route).
DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet bench/PipelineGen.ServingBench/bin/Release/net10.0/PipelineGen.ServingBench.dll "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null || { echo "server did not start:"; cat "$OUT/server.log"; exit 1; }

ROW='{"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S"}'
BATCH="[$(printf "$ROW,%.0s" $(seq 1 99))$ROW]"
lua() { printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[%s]==]\n' "$2" > "$OUT/$1.lua"; }
lua single "$ROW"; lua batch "$BATCH"

# name path body
CASES=("generated /predict single" "handwritten /hand/predict single" "echo /echo single" "generated-batch100 /predict/batch batch" "handwritten-batch100 /hand/batch batch")
# Check every route answers 200 with the same body kind before measuring.
for c in "${CASES[@]}"; do set -- $c; body=$ROW; [ "$3" = batch ] && body=$BATCH
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT$2"); [ "$code" = 200 ] || { echo "$2 answered $code"; exit 1; }; done

# utime+stime of the server in clock ticks (fields 14 and 15; the name field has no spaces here).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# Warm-up (JIT, tiering, engine pools) on every route before anything is measured.
for c in "${CASES[@]}"; do set -- $c; wrk -t2 -c"$CONNECTIONS" -d3s -s "$OUT/$3.lua" "http://127.0.0.1:$PORT$2" >/dev/null; done
: > "$OUT/results.tsv"
for r in $(seq 1 "$ROUNDS"); do
  n=${#CASES[@]}
  for i in $(seq 0 $((n - 1))); do
    set -- ${CASES[$(( (i + r) % n ))]}
    before=$(cpu_ticks)
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$OUT/$3.lua" "http://127.0.0.1:$PORT$2" > "$OUT/$1.$r.txt"
    after=$(cpu_ticks)
    rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$1.$r.txt")
    requests=$(awk '/requests in/ {print $1}' "$OUT/$1.$r.txt")
    cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v us="$TICK_US" 'BEGIN {printf "%.1f", t * us / n}')
    p50=$(awk '$1=="50%" {print $2}' "$OUT/$1.$r.txt"); p99=$(awk '$1=="99%" {print $2}' "$OUT/$1.$r.txt")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' "$OUT/$1.$r.txt" | tr '\n' ' ')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$1" "$rps" "$p50" "$p99" "$cpu_us" "$errors" | tee -a "$OUT/results.tsv"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load.txt"
python3 - "$OUT/results.tsv" <<'PY'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def ms(t):
    return float(t[:-2]) if t.endswith("ms") else float(t[:-2]) / 1000 if t.endswith("us") else float(t[:-1]) * 1000
by = collections.defaultdict(dict)
for r, name, rps, p50, p99, cpu, err in rows: by[name][r] = (float(rps), ms(p50), ms(p99), err, float(cpu))
print(f"{'endpoint':22} {'req/s (median)':>15} {'p50 ms':>8} {'p99 ms':>8} {'server CPU us/req (median [min, max])':>40}")
for name, runs in by.items():
    v = list(runs.values())
    c = [x[4] for x in v]
    print(f"{name:22} {statistics.median(x[0] for x in v):15.0f} {statistics.median(x[1] for x in v):8.2f} {statistics.median(x[2] for x in v):8.2f} {statistics.median(c):20.1f} [{min(c):.1f}, {max(c):.1f}] {' '.join(x[3] for x in v if x[3])}")
def ratio(a, b, k, invert=False):
    rs = [(by[b][r][k] / by[a][r][k]) if invert else (by[a][r][k] / by[b][r][k]) for r in by[a] if r in by[b]]
    return f"{statistics.median(rs):.2f} [{min(rs):.2f}, {max(rs):.2f}]"
# Both ratios read "generated as a fraction of the other": for CPU that is other's CPU/request over generated's, so 1 = as
# cheap, 0.5 = twice the CPU per request. Medians of per-round ratios [min, max].
print(f"{'ratio':40} {'req/s':>20} {'CPU/request (inverse)':>24}")
for label, a, b in [("generated / hand-written", "generated", "handwritten"), ("generated / echo", "generated", "echo"),
                    ("generated batch / hand-written batch", "generated-batch100", "handwritten-batch100")]:
    print(f"{label:40} {ratio(a, b, 0):>20} {ratio(a, b, 4, invert=True):>24}")
PY
