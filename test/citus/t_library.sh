#!/usr/bin/env bash
# The whole rule library on Citus gives the single-node alerts.  The demo
# database (demo/generate.sql, 300 tenders, seed 42) is built twice on the
# coordinator: in database cleangov_single as plain PostgreSQL tables (no
# Citus in that database), and in the suite's database with its tables
# distributed (test/citus/distribute_demo.sql).  Both are bound by
# demo/bind.sql and run by cleangov.run(); every alert (rule, subject,
# period, unit, value, threshold, level, evidence but the run ids in it) must be the same, and no
# rule may fail or be skipped on Citus unless it is skipped on one node too.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cluster.sh"
cd "$here/../.."
export PGOPTIONS='-c client_min_messages=warning'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"
single() { CITUS_DB=cleangov_single cpsql coordinator "$@"; }

cpsql coordinator -q -d postgres -c 'DROP DATABASE IF EXISTS cleangov_single' -c 'CREATE DATABASE cleangov_single' >/dev/null
for db in single citus; do
	if [ $db = single ]; then q=single; else q="cpsql coordinator"; fi
	$q -q -v ON_ERROR_STOP=1 -v tenders=300 -v seed=42 -f demo/generate.sql >"$out/gen_$db.txt" 2>&1 ||
		{ notok "demo data in $db"; tail "$out/gen_$db.txt"; exit 1; }
	if [ $db = citus ]; then
		cpsql coordinator -q -v ON_ERROR_STOP=1 -f test/citus/distribute_demo.sql >"$out/dist.txt" 2>&1 ||
			{ notok "distributing the demo tables"; tail "$out/dist.txt"; exit 1; }
	else
		single -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION cleangov' >/dev/null
	fi
	$q -q -v ON_ERROR_STOP=1 -f demo/bind.sql >"$out/bind_$db.txt" 2>&1 ||
		{ notok "demo/bind.sql in $db"; tail "$out/bind_$db.txt"; exit 1; }
	$q -At -F '|' -v ON_ERROR_STOP=1 -c 'SELECT rule_code, status, hits, raised, coalesce(message, $$$$) FROM cleangov.run() ORDER BY 1' \
		>"$out/run_$db.txt" 2>"$out/run_$db.err" || { notok "run() in $db"; cat "$out/run_$db.err"; exit 1; }
	$q -At -F '|' -c 'SELECT rule_code, subject_kind, subject_key, period, unit_code, value, threshold, level, evidence - $$statistics_refresh$$
	                    FROM cleangov.alert ORDER BY 1, 2, 3, 4' >"$out/alerts_$db.txt"
done

n=$(cpsql coordinator -At -c "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::text LIKE 'gov.%'")
[ "$n" -ge 25 ] && ok "the demo's $n gov tables are distributed or reference tables" || notok "only $n gov tables are Citus tables"
rules=$(wc -l <"$out/run_citus.txt")
[ "$rules" -ge 30 ] && ok "run() evaluated $rules rules on Citus" || notok "run() evaluated $rules rules on Citus"
bad=$(awk -F'|' '$2 == "failed"' "$out/run_citus.txt")
[ -z "$bad" ] && ok "no rule failed on Citus" || notok "rules failed on Citus: $bad"
if diff <(cut -d'|' -f1-4 "$out/run_single.txt") <(cut -d'|' -f1-4 "$out/run_citus.txt") >"$out/run.diff"; then
	ok "every rule has the single-node status, hits and alerts raised"
else
	notok "run() differs from the single node:"; cat "$out/run.diff"
fi
alerts=$(wc -l <"$out/alerts_citus.txt")
[ "$alerts" -ge 100 ] && ok "$alerts alerts raised on Citus" || notok "only $alerts alerts raised on Citus"
if diff "$out/alerts_single.txt" "$out/alerts_citus.txt" >"$out/alerts.diff"; then
	ok "the $alerts alerts equal the single node's, value and evidence bit for bit"
else
	notok "alerts differ from the single node:"; head -20 "$out/alerts.diff"
fi
# A second run over unchanged data raises and refreshes nothing: the values
# and evidence do not depend on how the shards' results arrive.
again=$(cpsql coordinator -At -c 'SELECT coalesce(sum(raised), 0) || $$/$$ || coalesce(sum(refreshed), 0) FROM cleangov.run()')
[ "$again" = "0/0" ] && ok "a second run raises and refreshes nothing" || notok "a second run raised/refreshed $again"
# The rule queries run on the workers: the plans of the rules whose SQL reads
# the bound views directly (not through a function handed a view's name)
# are distributed ones.
distributed=$(cpsql coordinator -q -At -v ON_ERROR_STOP=1 <<'SQL'
CREATE FUNCTION pg_temp.plan_of(code text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE t text; l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN ' || cleangov.rule_sql(code) LOOP t := concat_ws(E'\n', t, l); END LOOP;
  RETURN t;
EXCEPTION WHEN undefined_table THEN
  RETURN NULL;   -- reads a shape the demo does not bind (skipped by run() too)
END $f$;
SELECT string_agg(d.rule_code, ' ' ORDER BY d.rule_code) FROM cleangov.rule_definition d
 WHERE pg_temp.plan_of(d.rule_code) LIKE '%Custom Scan (Citus%';
SQL
)
for r in R003 R035 PROC_SINGLE_BIDDER PROC_SPLIT_PURCHASE APPR_TIME_LIMIT ENF_DISCRETION_OUTLIER FUND_THREE_PUBLIC_OVER_BUDGET; do
	[[ " $distributed " == *" $r "* ]] && ok "$r's plan is a distributed one" || notok "$r's plan has no Citus scan (distributed: $distributed)"
done
echo "# rules with distributed plans: $distributed"
cpsql coordinator -q -d postgres -c 'DROP DATABASE cleangov_single' >/dev/null
exit $fail
