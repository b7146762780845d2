#!/usr/bin/env bash
# Runs inside the throwaway cluster started by scripts/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
explore=${1:-}
db=cleangov_demo
seed=${DEMO_SEED:-42}
tenders=${DEMO_TENDERS:-2000}
psqlq() { psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }

createdb $db
start=$(date +%s)
echo "== generating the demo government database (seed $seed, $tenders tenders)"
psqlq -v seed="$seed" -v tenders="$tenders" -f demo/generate.sql >/dev/null
echo "== installing cleangov and running every detection"
psqlq -c 'CREATE EXTENSION cleangov'
psqlq -f demo/detect.sql
psqlq -f demo/loop.sql
psqlq -f demo/supervision_clues.sql
psqlq -f demo/supervision_register.sql
psqlq -f demo/model.sql
psqlq -f demo/supervision_ladder.sql  # after model.sql: it raises alerts and moves time
echo
psqlq -f demo/summary.sql
echo
psqlq -f demo/scoreboard.sql
echo
psqlq -f demo/watch.sql
echo
psqlq -f demo/supervision_standards.sql  # last: it re-runs R003 under tiered standards
echo "== demo finished in $(( $(date +%s) - start )) s"
if [ -n "$explore" ]; then
	echo "== opening psql on database $db (schemas gov, truth, cleangov); \\q removes the cluster"
	psql -X -d $db </dev/tty
fi
