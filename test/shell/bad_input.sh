#!/usr/bin/env bash
# Bad input, generated from the catalog: every function of the extension
# (pg_proc through pg_depend, so a new function is covered without editing this
# test) is called with NULL, NaN, +-Infinity, zero, negative, huge, tiny and
# subnormal numbers, empty and 1 MB strings, empty and odd arrays, odd jsonb,
# malformed and mutated state texts, one argument at a time (the generator and
# the outcomes are described in bad_input.sql).  The calls run in batches, one
# psql session per batch inside a transaction that is rolled back; a crash (the
# connection is lost, the postmaster restarts) is reported with the call that
# caused it and the run goes on after it.
#
# Fails on a crash, an internal error (SQLSTATE XX...), a statement timeout,
# a non-finite or out-of-domain result, and a NaN / Infinity argument that is
# not refused, unless test/shell/known_failures.txt lists it (then it is
# reported as known; a known crash is not called at all, and said so).
# Prints the number of calls and the outcomes by SQLSTATE.
#
#   BAD_INPUT_CAP=100 (bad values per argument position at most), BAD_INPUT_BATCH=400
set -uo pipefail
cd "$(dirname "$0")/../.."
db=cleangov_badin
cap=${BAD_INPUT_CAP:-100}
batch=${BAD_INPUT_BATCH:-400}
known_file=test/shell/known_failures.txt
work=$(mktemp -d)
dropdb --if-exists $db 2>/dev/null
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
createdb $db
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d $db "$@"; }
start=$(date +%s)

q -c 'CREATE EXTENSION cleangov' -f test/shell/bad_input.sql >/dev/null || { echo "bad_input: set-up failed"; exit 1; }
# known failures: signature | argument label (* = any) | outcome | reason
grep -v '^\s*\(#\|$\)' "$known_file" | sed 's/\s*|\s*/\t/g' >"$work/known.tsv"
q -c "CREATE TABLE badin.known (sig text, label text, outcome text, reason text)" \
	-c "\\copy badin.known FROM '$work/known.tsv' WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01')" ||
	{ echo "bad_input: cannot read $known_file"; exit 1; }
total=$(q -c "SELECT badin.generate($cap)") || { echo "bad_input: generating the calls failed"; exit 1; }
nfn=$(q -c "SELECT count(DISTINCT fn) FROM badin.call")
echo "bad_input: $total calls of $nfn functions (at most $cap bad values per argument)"

# The calls a known crash entry names are skipped (calling them would kill every session).
q -c "SELECT c.id, c.fn, c.label, k.reason FROM badin.call c JOIN badin.known k
        ON k.outcome = 'crash' AND c.fn::text = k.sig AND c.label LIKE replace(k.label, '*', '%')
      ORDER BY c.id" -F $'\t' >"$work/skipped.tsv"
while IFS=$'\t' read -r id fn label reason; do
	echo "bad_input: SKIPPED (known crash, not called): $fn $label  -- $reason"
done <"$work/skipped.tsv"
q -c "SELECT c.id FROM badin.call c WHERE c.id NOT IN (SELECT c2.id FROM badin.call c2 JOIN badin.known k
        ON k.outcome = 'crash' AND c2.fn::text = k.sig AND c2.label LIKE replace(k.label, '*', '%')) ORDER BY c.id" >"$work/ids"

pm_start() { q -c 'SELECT pg_postmaster_start_time()' 2>/dev/null; }
wait_server() {
	for _ in $(seq 1 120); do
		q -c 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "bad_input: the server did not come back after a crash"; exit 1
}
: >"$work/results.tsv"
crashes=0
run_ids() { # run the ids in file $1 in one session; on a crash, note it and go on after it
	local ids=$1 before done_id next
	while [ -s "$ids" ]; do
		before=$(pm_start)
		{
			echo '\set ON_ERROR_ROLLBACK on'
			echo "SET statement_timeout = '20s';"
			echo 'BEGIN;'
			sed 's/.*/SELECT badin.try(&);/' "$ids"
			echo 'ROLLBACK;'
		} >"$work/batch.sql"
		psql -X -A -t -q -d $db -f "$work/batch.sql" >"$work/out.tsv" 2>"$work/err"
		cat "$work/out.tsv" >>"$work/results.tsv"
		if [ "$(pm_start)" = "$before" ] && ! grep -q 'server closed the connection\|connection to server was lost' "$work/err"; then
			return 0
		fi
		# crash: the call after the last one that answered
		done_id=$(tail -1 "$work/out.tsv" | cut -f1)
		if [ -z "$done_id" ]; then next=$(head -1 "$ids"); else next=$(awk -v d="$done_id" 'f { print; exit } $1 == d { f = 1 }' "$ids"); fi
		[ -n "$next" ] || next=$(head -1 "$ids")
		crashes=$((crashes + 1))
		printf '%s\tcrash\tthe server process died (connection lost)\n' "$next" >>"$work/results.tsv"
		wait_server
		echo "bad_input: CRASH (the server process died) at: $(q -c "SELECT fn || ' ' || label || E'\\n    ' || left(body, 300) FROM badin.call WHERE id = $next")"
		awk -v n="$next" 'f { print } $1 == n { f = 1 }' "$ids" >"$ids.rest"
		mv "$ids.rest" "$ids"
	done
}
split -l "$batch" "$work/ids" "$work/part."
for part in "$work"/part.*; do
	run_ids "$part"
done

q -c "CREATE TABLE badin.result (id int, outcome text, detail text)" \
	-c "\\copy badin.result FROM '$work/results.tsv' WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01')" ||
	{ echo "bad_input: cannot load the outcomes"; exit 1; }
q -c "INSERT INTO badin.result SELECT id, 'skipped', 'known crash' FROM badin.call WHERE id IN ($(cut -f1 "$work/skipped.tsv" | paste -sd, | sed 's/^$/0/'))"
q -c "INSERT INTO badin.result SELECT id, 'no-answer', 'the session ended before this call answered' FROM badin.call
      WHERE id NOT IN (SELECT id FROM badin.result)"
q >"$work/report" <<'SQL'
CREATE VIEW badin.outcome AS
SELECT c.id, c.fn::text AS fn, c.label, r.detail, c.body,
       CASE WHEN r.outcome = 'E:57014' THEN 'timeout' WHEN r.outcome LIKE 'E:XX%' THEN substr(r.outcome, 3)
            ELSE r.outcome END AS outcome,
       r.outcome = 'crash' OR r.outcome LIKE 'E:XX%' OR r.outcome IN ('E:57014', 'nonfinite', 'out-of-domain',
                                                                      'accepts-nonfinite', 'no-answer') AS failure
  FROM badin.call c JOIN badin.result r USING (id);
CREATE VIEW badin.judged AS
SELECT o.*, (SELECT k.reason FROM badin.known k WHERE k.sig = o.fn AND k.outcome = o.outcome
                AND o.label LIKE replace(k.label, '*', '%') LIMIT 1) AS known
  FROM badin.outcome o WHERE o.failure;
\pset format aligned
\pset tuples_only off
\echo 'bad_input: outcomes (E:<SQLSTATE> = a clean error)'
SELECT outcome, count(*) AS calls FROM badin.result GROUP BY 1 ORDER BY 2 DESC, 1;
\echo 'bad_input: known failures (known_failures.txt), by function and outcome'
SELECT fn, outcome, count(*) AS calls, min(known) AS reason FROM badin.judged WHERE known IS NOT NULL
 GROUP BY 1, 2 ORDER BY 1, 2;
\echo 'bad_input: NEW FAILURES (not in known_failures.txt), by function and outcome'
SELECT fn, outcome, count(*) AS calls, string_agg(label, ' ' ORDER BY id) AS labels FROM badin.judged WHERE known IS NULL
 GROUP BY 1, 2 ORDER BY 1, 2;
\pset format unaligned
\pset tuples_only on
\echo 'bad_input: the first 40 new failures, with their call'
SELECT format(E'NEW FAILURE: %s %s -> %s %s\n    %s', fn, label, outcome, detail, left(body, 400))
  FROM badin.judged WHERE known IS NULL ORDER BY id LIMIT 40;
\pset format aligned
\pset tuples_only off
\echo 'bad_input: entries of known_failures.txt that no call hit any more (fixed: remove them)'
SELECT k.sig, k.label, k.outcome FROM badin.known k
 WHERE k.outcome <> 'crash' AND NOT EXISTS (SELECT FROM badin.judged j WHERE j.known IS NOT NULL AND j.fn = k.sig
         AND j.outcome = k.outcome AND j.label LIKE replace(k.label, '*', '%'));
SQL
cat "$work/report"
new=$(q -c "SELECT count(*) FROM badin.judged WHERE known IS NULL")
nknown=$(q -c "SELECT count(*) FROM badin.judged WHERE known IS NOT NULL")
nskip=$(wc -l <"$work/skipped.tsv")
echo "bad_input: $total calls in $(( $(date +%s) - start )) s: $crashes crash(es), $new new failure(s), $nknown known failure(s), $nskip known crash(es) skipped"
[ "$new" = 0 ]
