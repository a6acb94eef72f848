#!/usr/bin/env bash
# replay.sh VARIANT : replays the 16 kept60 dev runs with the current Release build and PG_EXPERIMENT_SELECTION=VARIANT
V="$1"; OUT=/tmp/rp/$V; mkdir -p $OUT
jobs_list=()
for d in /tmp/pg-kept60-creditg /tmp/pg-kept60-creditg-b /tmp/pg-kept60-creditg-c /tmp/pg-kept60-titanic; do
  for w in $d/work-*; do jobs_list+=("$w"); done
done
run() {
  local w="$1"; local seed="${w##*-}"; local ds=creditg; local name=CreditGBar
  case "$w" in *titanic*) ds=titanic; name=Titanic;; esac
  local dir=$OUT/$ds-$seed; rm -rf $dir; mkdir -p $dir
  cp -r $w/data $w/.pipelinegen $dir/; cp -r /tmp/rp/bin-$name $dir/bin
  (cd $dir && PG_EXPERIMENT_SELECTION=$V nice -n 5 dotnet bin/$name.dll tune --no-lock --strategy random --budget-units 60 --seed $seed --ensemble --resume > $OUT/$ds-seed-$seed.log 2>&1)
  rm -rf $dir/bin
}
running=0
for w in "${jobs_list[@]}"; do
  run "$w" & running=$((running+1))
  if [ $running -ge ${PAR:-2} ]; then wait -n; running=$((running-1)); fi
done
wait
echo done > $OUT/DONE
