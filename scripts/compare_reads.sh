#!/bin/bash
# Every read command in every format it offers, written to OUTDIR, so that a
# change meant to keep the output can be checked with `diff -r BEFORE AFTER`.
# Parquet files are compared by their read-back schema and rows.
#   scripts/compare_reads.sh WORKTREE DB OUTDIR
# DB: e.g. `dyadwatch ingest demo --db /tmp/demo.duckdb`.
set -u
WT=$1; DB=$2; OUT=$3; mkdir -p $OUT; rm -f $OUT/*
export PYTHONPATH=$WT/src COLUMNS=150 TERM=dumb
PY=${PYTHON:-python}
i=0
while IFS= read -r cmd; do
  [ -z "$cmd" ] && continue
  for fmt in table csv json jsonl parquet; do
    case "$cmd" in stats*|summary*|show*) [ $fmt = table ] || [ $fmt = json ] || continue;; esac
    i=$((i+1)); f=$OUT/$(printf %03d $i)
    echo "$cmd -f $fmt" > $f.cmd
    if [ $fmt = parquet ]; then
      $PY -m dyadwatch.cli $cmd --db $DB -f parquet -o $f.parquet > $f.out 2> $f.err
      [ -f $f.parquet ] && $PY -c "import duckdb,sys; c=duckdb.connect(); r=c.execute(\"select * from read_parquet('$f.parquet')\"); print(r.description); print(r.fetchall())" > $f.pq.txt 2>&1 && rm $f.parquet
    else
      $PY -m dyadwatch.cli $cmd --db $DB -f $fmt > $f.out 2> $f.err
    fi
    echo "rc=$?" >> $f.cmd
    sed -i "s#$OUT/##g" $f.err
  done
done <<'CMDS'
stats
events --limit 50
events --limit 7 --offset 3
events --limit 20 --canonical
events --limit 20 --dyad CHN-PRK
events --limit 20 --all
events --limit 5 --type ACCUSE
events --limit 10 --near 39.0,125.7 --within 400km
events --limit 10 --text nuclear --min-confidence 0.3
events --limit 5 --since 2017 --until 2018
dyad CHN PRK
dyad CHN PRK --freq week --since 2017-01 --until 2017-06
dyad CHN PRK --directed --unit mentions
dyad CHN PRK --all-periods
dyad USA PRK --all
dyad NOR SWE
alerts
alerts --window 90 --baseline 3 --threshold 0.5 --min-events 1
alerts --window 365 --threshold 0 --min-events 1
alerts --directed --unit mentions --threshold 0 --min-events 1 --window 180
timeline CHN PRK --limit 5
quotes --limit 5
actors --limit 10
network
summary CHN PRK
CMDS
echo "$i runs"
