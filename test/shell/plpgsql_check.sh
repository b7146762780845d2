#!/usr/bin/env bash
# Static checks of the PL/pgSQL with plpgsql_check: every PL/pgSQL function of
# the extension and the functions it generates for a bound, watched table
# (the watch trigger function, the per-owner runners in cleangov_bound), with
# all warnings on (other, extra, performance, security, compatibility).
# Trigger functions are checked against every table they are attached to,
# with its transition tables.  An error fails the run; a
# warning fails it unless test/shell/plpgsql_check_allow.txt lists it with a
# reason.
set -uo pipefail
cd "$(dirname "$0")/../.."
db=cleangov_plpgsql_check
allow=test/shell/plpgsql_check_allow.txt
work=$(mktemp -d)
dropdb --if-exists $db 2>/dev/null
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
createdb $db
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d $db "$@"; }
# allow-list: function (generated names with N for their numbers; * = any) | level | message (* = any) | why
grep -v '^\s*\(#\|$\)' "$allow" | sed 's/\s*|\s*/\t/g' >"$work/allow.tsv"
q >/dev/null <<SQL || { echo "plpgsql_check: set-up failed"; exit 1; }
CREATE EXTENSION plpgsql_check;
CREATE EXTENSION cleangov;
SET client_min_messages = warning;
-- a bound, watched table with row rules and a realtime set rule (as test/pgtap/58_watch.sql)
CREATE SCHEMA w;
CREATE TABLE w.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text);
SELECT cleangov.bind('contract', 'w.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref", "unit_code": "unit"}');
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind, thresholds, default_level) VALUES
 ('PC_OVER', 'over reference', 'pctest', 'contract', '{"pct": 0.2}', 'yellow'),
 ('PC_SUM', 'supplier total', 'pctest', 'enterprise', '{"limit": 1500}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('PC_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct');
INSERT INTO cleangov.rule_definition (rule_code, kind, query, realtime) VALUES ('PC_SUM', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, '''' AS period, sum(amount) AS value,
          ''{}''::jsonb AS evidence FROM cleangov_bound.contract GROUP BY supplier_id HAVING sum(amount) > {limit}', true);
SELECT cleangov.watch('w.orders');
-- the capture trigger of an outbox (on the shards of a Citus table; here on a plain one)
CREATE TABLE w.captured (LIKE w.orders);
CREATE TRIGGER capture AFTER INSERT ON w.captured REFERENCING NEW TABLE AS cleangov_new
  FOR EACH STATEMENT EXECUTE FUNCTION cleangov.outbox_capture('w.captured_box', 'w.captured', 'no');
CREATE TABLE pc_allow (fn text, level text, message text, why text);
\copy pc_allow FROM '$work/allow.tsv' WITH (FORMAT csv, DELIMITER E'\t', QUOTE E'\x01')
-- the functions to check: (function, relation for a trigger function)
CREATE TABLE pc_target AS
SELECT p.oid AS fn, coalesce(t.tgrelid, 0) AS rel, t.tgoldtable AS oldtable, t.tgnewtable AS newtable
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
  LEFT JOIN (SELECT DISTINCT tgfoid, tgrelid, tgoldtable, tgnewtable FROM pg_trigger) t ON t.tgfoid = p.oid
 WHERE p.oid IN (SELECT objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                  WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e' AND e.extname = 'cleangov')
    OR p.pronamespace = 'cleangov_bound'::regnamespace;
CREATE TABLE pc_finding AS
SELECT CASE WHEN p.pronamespace = 'cleangov_bound'::regnamespace
            THEN regexp_replace(x.fn::regprocedure::text, '[0-9]+', 'N', 'g') ELSE x.fn::regprocedure::text END AS fn,
       x.rel::regclass AS rel, r.level, r.lineno, r.message, r.detail, r.statement, left(r.query, 200) AS query
  FROM pc_target x JOIN pg_proc p ON p.oid = x.fn,
  LATERAL plpgsql_check_function_tb(x.fn, x.rel, fatal_errors := false, all_warnings := true,
                                    oldtable := x.oldtable, newtable := x.newtable) r
 WHERE p.prorettype <> 'trigger'::regtype OR x.rel <> 0;
CREATE VIEW pc_judged AS
SELECT f.*, (SELECT a.why FROM pc_allow a WHERE f.fn LIKE replace(a.fn, '*', '%') AND f.level = a.level
                AND f.message LIKE replace(a.message, '*', '%') LIMIT 1) AS why
  FROM pc_finding f;
SQL
echo "plpgsql_check: $(q -c "SELECT count(DISTINCT fn) FROM pc_target") PL/pgSQL functions checked ($(q -c "SELECT count(DISTINCT fn) FROM pc_target WHERE fn::regprocedure::text LIKE 'cleangov_bound.%'") generated), $(q -c "SELECT count(*) FROM pc_target WHERE rel <> 0") trigger/table pairs"
unattached=$(q -c "SELECT string_agg(fn::regprocedure::text, ', ') FROM pc_target x JOIN pg_proc p ON p.oid = x.fn WHERE p.prorettype = 'trigger'::regtype AND x.rel = 0")
q -c "SELECT level, count(*), count(*) FILTER (WHERE why IS NOT NULL) AS allowed FROM pc_judged GROUP BY 1 ORDER BY 1" -F $'\t' |
	while IFS=$'\t' read -r level n allowed; do echo "plpgsql_check: $n $level ($allowed allowed)"; done
q -c "SELECT format(E'plpgsql_check: ALLOWED %s %s line %s: %s  -- %s', level, fn, lineno, message, why) FROM pc_judged WHERE why IS NOT NULL ORDER BY fn, lineno"
new=$(q -c "SELECT format(E'plpgsql_check: NOT ALLOWED %s %s%s line %s: %s%s\n    %s', level, fn, CASE WHEN rel <> 0 THEN ' on ' || rel END,
              lineno, message, ' (' || detail || ')', coalesce(statement || ': ' || query, statement, ''))
            FROM pc_judged WHERE why IS NULL ORDER BY fn, lineno")
stale=$(q -c "SELECT format('plpgsql_check: allow-list entry no longer needed: %s | %s | %s', fn, level, message) FROM pc_allow a
              WHERE NOT EXISTS (SELECT FROM pc_finding f WHERE f.fn LIKE replace(a.fn, '*', '%') AND f.level = a.level
                                AND f.message LIKE replace(a.message, '*', '%'))")
[ -z "$stale" ] || echo "$stale"
status=0
if [ -n "$unattached" ]; then
	echo "plpgsql_check: trigger functions attached to no table, not checked (attach them in this script's set-up): $unattached"
	status=1
fi
if [ -n "$new" ]; then
	echo "$new"
	status=1
fi
exit $status
