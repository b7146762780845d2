#!/usr/bin/env bash
# Incremental runs equal whole runs (issue 15): the generated data of
# test/pgtap/subjects_data.psql, tenders 1-300 loaded and run() in database
# a, copied to b; then in both, in their own transactions: 120 new tenders
# (inserts only), and later updates and deletes.  After each step a runs
# cleangov.run(incremental => true) and b cleangov.run(refresh_statistics =>
# false) (every subject, the same statistics); their alerts must be equal, and
# a's run log must show the scoped evaluation (inserts: "incremental: N
# subject(s)") or why it read all (updates and deletes: "whole: ... had
# updates or deletes since"). Last, a refresh of the statistics that moves
# older tenders across a fence is noticed by run(incremental, refresh_statistics),
# which then evaluates every subject (the group of rules sharing the pass, whole).
set -uo pipefail
cd "$(dirname "$0")/../.."
a=cleangov_incr_a; b=cleangov_incr_b
dropdb --if-exists $a 2>/dev/null; dropdb --if-exists $b 2>/dev/null
trap 'dropdb --if-exists $a 2>/dev/null; dropdb --if-exists $b 2>/dev/null' EXIT
q() { local db=$1; shift; psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
fail=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }
createdb $a
q $a -c 'CREATE EXTENSION cleangov' -f test/pgtap/subjects_data.psql >/dev/null || { echo "incremental: set-up failed"; exit 1; }
q $a -c "SELECT cleangov.track(t) FROM unnest(ARRAY['rt.tender', 'rt.bid', 'rt.award']::regclass[]) t" -c 'SELECT rt.load(1, 300)' >/dev/null
q $a -c 'SELECT count(*) FROM cleangov.run()' >/dev/null || { echo "incremental: run() failed"; exit 1; }
createdb -T $a $b
alerts='SELECT rule_code, subject_kind, subject_key, period, value, threshold, evidence FROM cleangov.alert ORDER BY 1, 2, 3, 4'
step() { # $1 name, $2 SQL applied to both databases, $3 the message a's scoped rules must show; $4 $5 the runs of a and b
	q $a -c "$2" >/dev/null && q $b -c "$2" >/dev/null || { notok "$1: applying the change"; return; }
	q $a -c "SELECT rule_code || ': ' || coalesce(message, '') FROM ${4:-cleangov.run(incremental => true)} ORDER BY 1" >"$work/log_a.txt" 2>&1
	q $b -c "SELECT count(*) FROM ${5:-cleangov.run(refresh_statistics => false)}" >/dev/null 2>&1
	q $a -c "$alerts" >"$work/a.txt"; q $b -c "$alerts" >"$work/b.txt"
	if [ -s "$work/a.txt" ] && diff "$work/a.txt" "$work/b.txt" >"$work/diff.txt"; then
		ok "$1: the incremental run's $(wc -l <"$work/a.txt") alerts equal the whole run's"
	else
		notok "$1: alerts differ"; head -20 "$work/diff.txt"
	fi
	for r in PROC_CLOSE_SECOND_BID PROC_DISCOUNTED_WINNER; do
		if grep -q "^$r: $3" "$work/log_a.txt"; then ok "$1: $r $(grep "^$r:" "$work/log_a.txt" | cut -d: -f2-)"
		else notok "$1: $r was not evaluated as expected ($3)"; cat "$work/log_a.txt"; fi
	done
}
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists $a 2>/dev/null; dropdb --if-exists $b 2>/dev/null' EXIT
step "120 new tenders" 'SELECT rt.load(301, 420)' 'incremental: [1-9][0-9]* subject'
step "nothing written" 'SELECT 1' 'incremental: 0 subject'
step "updates and deletes" "UPDATE rt.bid SET amount = amount * 0.97 WHERE bid_id LIKE '%/2' AND tender_id <= 'T0150'; DELETE FROM rt.bid WHERE bid_id LIKE '%/3' AND tender_id > 'T0380'" 'whole: rt.bid had updates or deletes since'
step "inserts after the deletes" 'SELECT rt.load(421, 420)' 'incremental: 0 subject'
# A refresh of the statistics: 300 new open tenders whose two lowest bids are
# 8 % apart (+-0.1 %) pull the open method's quartiles together, so that
# PROC_CLOSE_SECOND_BID's fence Q1 - 1.5 IQR rises past older tenders' gaps.
# An incremental run that refreshes the statistics must notice those older
# tenders (it evaluates every subject: any verdict may have moved).
old_hits="SELECT count(*) FROM cleangov.alert WHERE rule_code = 'PROC_CLOSE_SECOND_BID' AND subject_key < 'T9' AND status <> 'closed'"
before=$(q $a -c "$old_hits")
step "a refreshed fence" "INSERT INTO rt.tender SELECT 'T9' || i, 'B1', 'U1', 'open' FROM generate_series(100, 399) i;
  INSERT INTO rt.bid SELECT 'T9' || i || '/' || k, 'T9' || i, 'F' || ((i + k) % 40),
         round(CASE k WHEN 1 THEN 1000 WHEN 2 THEN 1080 + (i % 3) - 1 ELSE 1200 END::numeric, 2)
    FROM generate_series(100, 399) i, generate_series(1, 3) k;
  INSERT INTO rt.award SELECT 'T9' || i || '/a', 'T9' || i, 'F' || ((i + 1) % 40) FROM generate_series(100, 399) i" \
	'evaluated in one query' 'cleangov.run(incremental => true, refresh_statistics => true)' 'cleangov.run()'
after=$(q $a -c "$old_hits")
if [ "$after" -gt "$before" ]; then ok "a refreshed fence: older tenders it now reaches are noticed ($before -> $after open alerts)"
else notok "a refreshed fence: no older tender noticed ($before -> $after open alerts)"; fi
[ $fail = 0 ] && echo "incremental: ok" || echo "incremental: FAILED"
exit $fail
