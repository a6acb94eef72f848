#!/usr/bin/env bash
# bar.sh VARIANT : replays the §9g bar run (no new trial) with PG_EXPERIMENT_SELECTION=VARIANT
V="$1"; dir=/tmp/rp/bar-$V; rm -rf $dir; mkdir -p $dir
cp -r /tmp/pg-tune-bar-portfolio2/data /tmp/pg-tune-bar-portfolio2/.pipelinegen $dir/; cp -r /tmp/rp/bin-CreditGBar $dir/bin
cd $dir && PG_EXPERIMENT_SELECTION=$V dotnet bin/CreditGBar.dll tune --nested 10 --no-lock --ensemble --strategy random --seed 1 --resume --trials 1 --rescore 0 > out.txt 2> err.txt; echo rc=$? >> out.txt
