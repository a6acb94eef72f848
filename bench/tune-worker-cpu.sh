#!/usr/bin/env bash
# CPU seconds per tuning trial: in-process vs worker processes (docs/benchmarks.md §12a, issue 17). The same study —
# credit-g (bench/tune/CreditG, LightGBM with 1 thread, 5-fold CV per trial), strategy random, seed 1, a budget of N
# full-trial units (= N trials) — is run with each build given, in-process and with `--workers 2`, one after the other,
# each in a fresh copy of the project (fresh journal). /usr/bin/time reports the user+system CPU of the tune process
# and of every worker process it started and reaped. CPU seconds, not wall time: the machine may be loaded.
# Usage: bench/tune-worker-cpu.sh <bin folder of a CreditG build: "before"> <bin folder: "after"> [units, default 12] [repeats, default 1]
#   e.g. bench/tune-worker-cpu.sh /tmp/before/bench/tune/CreditG/bin/Release/net10.0 bench/tune/CreditG/bin/Release/net10.0 12 2
# Runs accumulate in $WORK/results.tsv (delete the folder for a fresh start); RUNS="before:workers2" runs one kind only.
# Each line of the result: build, mode, repeat, trials journaled, wall s, user s, sys s, CPU s per trial, load average
# before, and whether the journaled trials (number, configuration, state, value) equal the in-process run's (sqlite3 needed).
set -euo pipefail
BEFORE="$1"; AFTER="$2"; UNITS="${3:-12}"; REPEATS="${4:-1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PG_TUNE_CPU_DIR:-/tmp/pg-tune-worker-cpu}"
mkdir -p "$WORK"
[ -f "$WORK/results.tsv" ] || printf "build\tmode\trepeat\ttrials\twall_s\tuser_s\tsys_s\tcpu_s_per_trial\tload_before\tsame_trials_as_in_process\n" > "$WORK/results.tsv"
run() { # build-name bin-folder mode repeat [tune options...]
  local name="$1" bin="$2" mode="$3" rep="$4"; shift 4
  local proj="$WORK/$name-$mode-$rep"; mkdir -p "$proj"
  cp -r "$ROOT/bench/tune/CreditG/data" "$proj/data"; cp "$ROOT/bench/tune/CreditG/pipeline.yaml" "$proj/"
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  # The generated pipeline resolves data/ against the project folder: run from it.
  (cd "$proj" && /usr/bin/time -f "%e %U %S" -o "$proj/time.txt" dotnet "$bin/CreditG.dll" tune --strategy random \
      --budget-units "$UNITS" --seed 1 --no-lock --no-ensemble "$@" > "$proj/out.txt" 2> "$proj/err.txt") || echo "$name $mode failed (see $proj)" >&2
  local trials; trials=$(sqlite3 "$proj/.pipelinegen/tune.db" "SELECT count(*) FROM trials WHERE state IN ('complete','failed')")
  # The trials themselves (configuration and value, by number): the same in every mode if workers change nothing but where trials run.
  sqlite3 "$proj/.pipelinegen/tune.db" "SELECT number, params, state, value FROM trials ORDER BY number" > "$proj/trials.txt"
  local same="-"; [ -f "$WORK/after-in-process-$rep/trials.txt" ] && { cmp -s "$proj/trials.txt" "$WORK/after-in-process-$rep/trials.txt" && same=yes || same=NO; }
  read -r wall user sys < "$proj/time.txt"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$name" "$mode" "$rep" "$trials" "$wall" "$user" "$sys" \
      "$(python3 -c "print(round(($user+$sys)/max(1,$trials),2))")" "$load" "$same" | tee -a "$WORK/results.tsv"
}
for r in $(seq 1 "$REPEATS"); do
  for which in ${RUNS:-after:in-process before:workers2 after:workers2}; do # RUNS=... to run some of them only
    name="${which%%:*}"; mode="${which##*:}"; bin="$AFTER"; [ "$name" = before ] && bin="$BEFORE"
    if [ "$mode" = in-process ]; then run "$name" "$bin" "$mode" "$r"; else run "$name" "$bin" "$mode" "$r" --workers 2; fi
  done
done
python3 - "$WORK/results.tsv" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {}
for r in rows: by.setdefault((r["build"], r["mode"]), []).append(float(r["cpu_s_per_trial"]))
base = statistics.median(by.get(("after", "in-process")) or by.get(("before", "in-process")) or [float("nan")])
for key, values in by.items():
    m = statistics.median(values)
    print(f"{key[0]:6} {key[1]:10}: median {m:.2f} CPU s per trial over {len(values)} run(s), {m/base:.2f}x in-process")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
