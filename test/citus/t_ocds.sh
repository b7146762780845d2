#!/usr/bin/env bash
# Cardinal's red flags on Citus over OCDS data: 2,000 synthetic compiled
# releases (bench/ocds_data.sql, fixed seed) in database cleangov_ocds_single
# as a plain table, and in the suite's database distributed by their ocid;
# both bound by cleangov.bind_ocds() and run by cleangov.run(): the same
# alerts, and no rule fails on Citus.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cluster.sh"
cd "$here/../.."
export PGOPTIONS='-c client_min_messages=warning'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
single() { CITUS_DB=cleangov_ocds_single cpsql coordinator "$@"; }
cpsql coordinator -q -d postgres -c 'DROP DATABASE IF EXISTS cleangov_ocds_single' -c 'CREATE DATABASE cleangov_ocds_single' >/dev/null
single -q -c 'CREATE EXTENSION cleangov' >/dev/null
# only the alerts of this run (the suite's database may hold the demo's)
Q="SELECT rule_code, subject_kind, subject_key, period, unit_code, value, threshold, level, evidence - 'statistics_refresh' FROM cleangov.alert
    WHERE rule_code ~ '^R[0-9]' AND alert_id > :'before' ORDER BY 1, 2, 3, 4"
R="SELECT rule_code, status, hits, raised, coalesce(message, '') FROM cleangov.run(domain => 'procurement') WHERE rule_code ~ '^R[0-9]' ORDER BY 1"
for db in single citus; do
	if [ $db = single ]; then q=single; else q="cpsql coordinator"; fi
	# the suite's database may hold the demo's bindings: OCDS replaces them
	$q -q -v ON_ERROR_STOP=1 -c "SELECT cleangov.unbind(shape) FROM cleangov.binding" >/dev/null
	$q -q -v ON_ERROR_STOP=1 -v n=2000 -f bench/ocds_data.sql >"$out/gen_$db.txt" 2>&1 || { notok "releases in $db"; tail "$out/gen_$db.txt"; exit 1; }
	if [ $db = citus ]; then
		cpsql coordinator -q -v ON_ERROR_STOP=1 -c "ALTER TABLE ocds.releases ADD COLUMN ocid text" \
			-c "UPDATE ocds.releases SET ocid = data ->> 'ocid'" \
			-c "SELECT create_distributed_table('ocds.releases', 'ocid')" >"$out/dist.txt" 2>&1 ||
			{ notok "distributing the releases"; cat "$out/dist.txt"; exit 1; }
	fi
	$q -q -v ON_ERROR_STOP=1 -c "SELECT cleangov.bind_ocds('ocds.releases')" >"$out/bind_$db.txt" 2>&1 ||
		{ notok "bind_ocds in $db"; cat "$out/bind_$db.txt"; exit 1; }
	before=$($q -At -c 'SELECT coalesce(max(alert_id), 0) FROM cleangov.alert')
	$q -At -F '|' -c "$R" >"$out/run_$db.txt" 2>"$out/run_$db.err" || { notok "run() in $db"; cat "$out/run_$db.err"; exit 1; }
	$q -At -F '|' -v before="$before" -f - <<<"$Q" >"$out/alerts_$db.txt"
done
n=$(wc -l <"$out/run_citus.txt")
[ "$n" -ge 12 ] && ok "run() evaluated $n of Cardinal's rules on Citus" || notok "run() evaluated $n R rules"
bad=$(awk -F'|' '$2 != "ok"' "$out/run_citus.txt")
[ -z "$bad" ] && ok "every R rule ran on Citus" || notok "R rules not ok on Citus: $bad"
diff <(cut -d'|' -f1-4 "$out/run_single.txt") <(cut -d'|' -f1-4 "$out/run_citus.txt") >"$out/run.diff" &&
	ok "every R rule has the single-node hits" || { notok "run() differs:"; cat "$out/run.diff"; }
a=$(wc -l <"$out/alerts_citus.txt")
[ "$a" -ge 20 ] && ok "$a alerts from OCDS data on Citus" || notok "only $a alerts"
diff "$out/alerts_single.txt" "$out/alerts_citus.txt" >"$out/alerts.diff" &&
	ok "the alerts equal the single node's" || { notok "alerts differ:"; head -20 "$out/alerts.diff"; }
cpsql coordinator -q -d postgres -c 'DROP DATABASE cleangov_ocds_single' >/dev/null
exit $fail
