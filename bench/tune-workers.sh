#!/usr/bin/env bash
# Shared-study speed-up (docs/benchmarks.md, "Tuning with several workers"): 1, 2 and 4 `tune` processes join one study
# in PostgreSQL (tune --storage) on credit-g (bench/tune/CreditG, LightGBM with 1 thread per fit, 5-fold CV per trial),
# strategy random with one seed, so every run evaluates the same configurations in the same order. The study's time
# budget is the same for each run; the figure is the trials FINISHED WITHIN that budget per minute, read from the
# storage (finished_utc <= created_utc + budget, both on the server's clock), and the ratio against 1 worker.
# A throwaway PostgreSQL cluster is started for the run (initdb + pg_ctl, as the tests do) and stopped at the end.
# With strategy hyperband (or halving) the rungs are shared too; the work unit is then a rung evaluation, charged its
# share of the training rows, and the figure is FULL-TRIAL EQUIVALENTS finished within the budget per minute (a rung on
# 1/9 of the rows counts 1/9), read from pipelinegen_rungs; the raw count of evaluations is printed beside it.
# Usage: bench/tune-workers.sh [budget, e.g. 90s] [worker counts, e.g. "1 2 4"] [repeats] [strategy: random|hyperband|halving|bayesian]
set -euo pipefail
BUDGET="${1:-90s}"; COUNTS="${2:-1 2 4}"; REPEATS="${3:-1}"; STRATEGY="${4:-random}"
case "$STRATEGY" in random|bayesian|halving|hyperband) ;; *) echo "strategy '$STRATEGY': use random, bayesian, halving or hyperband" >&2; exit 2;; esac
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PG_TUNE_WORKERS_DIR:-/tmp/pg-tune-workers}"
CONFIG="${PG_TUNE_BENCH_CONFIG:-Release}"
PGBIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
rm -rf "$WORK"; mkdir -p "$WORK"
dotnet build -m:1 -c "$CONFIG" "$ROOT/bench/tune/CreditG" >/dev/null
cp -r "$ROOT/bench/tune/CreditG/bin/$CONFIG/net10.0" "$WORK/bin"

# The cluster: as root, initdb/pg_ctl run as 'postgres' (initdb refuses root).
AS=(); if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); chown postgres "$WORK"; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pgdata" -A trust -U postgres --no-sync >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pg.log" -w -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m fast -w stop >/dev/null' EXIT
SQL() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d "$1" -Atc "$2"; }

printf "workers\trepeat\tstrategy\tevaluations_in_budget\tunits_in_budget\tbudget_s\tunits_per_min\tload_before\n" > "$WORK/results.tsv"
for r in $(seq 1 "$REPEATS"); do
  for n in $COUNTS; do
    db="w${n}_r${r}"; SQL postgres "CREATE DATABASE $db" >/dev/null
    proj="$WORK/proj-$db"; mkdir -p "$proj"; cp -r "$ROOT/bench/tune/CreditG/data" "$proj/data"; cp "$ROOT/bench/tune/CreditG/pipeline.yaml" "$proj/"
    load=$(cut -d' ' -f1 /proc/loadavg)
    pids=()
    for i in $(seq 1 "$n"); do
      # The generated pipeline resolves data/ against the project folder: run from it.
      (cd "$proj" && exec dotnet "$WORK/bin/CreditG.dll" tune --storage "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$db" \
          --strategy "$STRATEGY" --seed 1 --trials 100000 --time "$BUDGET" --no-lock --no-ensemble > "$WORK/$db-$i.log" 2>&1) &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || echo "worker $p of $db failed (see $WORK/$db-*.log)" >&2; done
    if [ "$STRATEGY" = hyperband ] || [ "$STRATEGY" = halving ]; then
      # Rung evaluations finished in the budget, and the same weighted by their share of the rows (full-trial equivalents).
      row=$(SQL "$db" "SELECT count(*) FILTER (WHERE w.ok), coalesce(sum(w.fraction) FILTER (WHERE w.ok), 0), max(w.budget)
                        FROM (SELECT r.fraction, s.time_budget_s AS budget, r.finished_utc <= s.created_utc + make_interval(secs => s.time_budget_s) AND r.state IN ('complete','failed') AS ok
                              FROM pipelinegen_studies s JOIN pipelinegen_rungs r ON r.study_id = s.id) w")
    else
      row=$(SQL "$db" "SELECT count(*) FILTER (WHERE t.finished_utc <= s.created_utc + make_interval(secs => s.time_budget_s) AND t.state IN ('complete','failed')),
                               count(*) FILTER (WHERE t.finished_utc <= s.created_utc + make_interval(secs => s.time_budget_s) AND t.state IN ('complete','failed')), max(s.time_budget_s)
                        FROM pipelinegen_studies s JOIN pipelinegen_trials t ON t.study_id = s.id")
    fi
    IFS='|' read -r done_n units secs <<< "$row"
    if [ -z "$secs" ]; then echo "run $db recorded nothing (see $WORK/$db-*.log)" >&2; secs=$(python3 -c "import re;s='$BUDGET';print(float(s[:-1])*(60 if s.endswith('m') else 1))"); fi
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$n" "$r" "$STRATEGY" "$done_n" "$(python3 -c "print(round($units,3))")" "$secs" "$(python3 -c "print(round($units*60/$secs,2))")" "$load" >> "$WORK/results.tsv"
  done
done
cat "$WORK/results.tsv"
python3 - "$WORK/results.tsv" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {}
for r in rows: by.setdefault(int(r["workers"]), []).append(float(r["units_per_min"]))
unit = "full-trial equivalents" if rows and rows[0]["strategy"] in ("halving", "hyperband") else "trials"
base = statistics.median(by[min(by)])
for n in sorted(by):
    m = statistics.median(by[n])
    ratio = f"{m/base:.2f}x" if base > 0 else "no ratio (the baseline finished nothing)"
    print(f"{n} worker(s): median {m:.2f} {unit}/min over {len(by[n])} repeat(s), {ratio} of {min(by)} worker(s)")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
