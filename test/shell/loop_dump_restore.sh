#!/usr/bin/env bash
# The closed loop survives pg_dump / pg_restore: rules, schemes (a user's and a
# changed shipped one), units, assignments, alerts, events, rectifications and
# rule history come back with the same content, shipped rows are not doubled,
# sequences continue, and the triggers work in the restored database.
set -euo pipefail
src=cleangov_loop_src
dst=cleangov_loop_dst
cleanup() { dropdb --if-exists $src 2>/dev/null; dropdb --if-exists $dst 2>/dev/null; rm -f "${dump:-}"; }
trap cleanup EXIT
cleanup
dump=$(mktemp)
createdb $src
psql -X -q -v ON_ERROR_STOP=1 -d $src <<'SQL'
CREATE EXTENSION cleangov;
INSERT INTO cleangov.unit VALUES ('D-CITY', NULL, 'City', '市', 'city', 'R1'), ('D-A', 'D-CITY', 'Bureau', '局', 'department', 'R1');
INSERT INTO cleangov.unit_assignment VALUES ('cleangov_inspector', 'D-A');
INSERT INTO cleangov.band_scheme (scheme_code, name_en, name_zh, high_is_bad, cutoffs, levels)
VALUES ('mine', 'my scheme', '自定义', true, '{10,20}', '{green,yellow,red}');
UPDATE cleangov.band_scheme SET cutoffs = '{96,90,85}' WHERE scheme_code = 'index3';
UPDATE cleangov.level_info SET handling_en = 'talk, then self-correction' WHERE level = 'blue';
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind, scheme_code, thresholds)
VALUES ('D_RULE', 'dump rule', 'funds', 'unit', 'mine', '{"a": 1}');
UPDATE cleangov.rule SET thresholds = '{"a": 2}' WHERE rule_code = 'D_RULE';
SELECT count(*) FROM cleangov.raise_alerts(ARRAY(
  SELECT ROW('D_RULE', 'unit', 'k' || i, 'D-A', '2024', i, NULL, NULL, jsonb_build_object('i', i), 'gov.x', i::text)::cleangov.hit
    FROM generate_series(1, 40) i));
INSERT INTO cleangov.rectification (alert_id, measures)
SELECT alert_id, 'fixed ' || alert_id FROM cleangov.alert WHERE value BETWEEN 10 AND 19;
SELECT cleangov.review(alert_id, 'false_positive', 'not real') FROM cleangov.alert WHERE value BETWEEN 20 AND 22;
SELECT count(*) FROM cleangov.escalate_overdue(now() + interval '31 days');
-- the handling ladder: a user's ladder, a changed shipped step (three-column key), a rule's ladder
INSERT INTO cleangov.ladder (ladder_code, name_en, name_zh, evaluate_days) VALUES ('mine', 'my ladder', '自定义', 20);
INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, deadline_days) VALUES ('mine', 'red', 1, 'written_inquiry', 'commission', 7);
UPDATE cleangov.ladder_step SET deadline_days = 20 WHERE ladder_code = 'default' AND level = 'yellow' AND step = 1;
INSERT INTO cleangov.rule_ladder VALUES ('D_RULE', 'mine');
-- evaluations: one passed, one failed (reopened)
SELECT (cleangov.evaluate_rectification(alert_id, 'commission', true, true, value <> 10, 'D-CITY', 'checked')).passed
  FROM cleangov.alert WHERE value IN (10, 11) ORDER BY alert_id;
-- the risk catalogue (a user's scenario, a rule under it, a changed shipped
-- one), a register with points, links and a review, filings with their
-- review and the alerts of check_filings()
INSERT INTO cleangov.risk_scenario (scenario, domain, label_en, label_zh) VALUES ('my scenario', 'funds', 'mine', '自定');
INSERT INTO cleangov.rule (rule_code, name_en, scenario) VALUES ('D_SCEN', 'rule of my scenario', 'my scenario');
UPDATE cleangov.risk_scenario SET label_en = 'fees waived' WHERE scenario = 'fee waiver';
SELECT cleangov.open_register('D-A', 180, 'opened');
SELECT cleangov.add_risk_point('D-A', 'my scenario', 'risk', 'Wang', 'measures', 'Office', 'Post', ARRAY['D_RULE']);
SELECT cleangov.add_risk_point('D-A', 'fee waiver', 'waivers', 'Li', 'collective decision');
SELECT cleangov.review_register('D-A', 'reviewed');
SELECT cleangov.submit_filing('personal_matter', 'funeral', 'D-A', 'funeral', '2025-03-10', NULL, 'P1', NULL, '2025-03-12');
SELECT cleangov.return_filing((cleangov.start_filing_review(
         (cleangov.submit_filing('periodic', 'rules_adopted', 'D-A', 'rules', '2024-12-31', '2025-01-31', NULL, NULL, '2025-01-20')).filing_id)).filing_id, 'incomplete');
SELECT count(*) FROM cleangov.check_filings('2025-06-30');
SQL
pg_dump -Fc -d $src -f "$dump"
createdb $dst
pg_restore -d $dst --exit-on-error "$dump"

# Every table of the loop, row by row, in both databases.
fingerprint() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT t, n, md5(rows) FROM (
  SELECT 'unit' t, count(*) n, string_agg(x::text, '|' ORDER BY x::text) rows FROM cleangov.unit x
  UNION ALL SELECT 'unit_assignment', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.unit_assignment x
  UNION ALL SELECT 'band_scheme', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.band_scheme x
  UNION ALL SELECT 'level_info', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.level_info x
  UNION ALL SELECT 'domain_info', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.domain_info x
  UNION ALL SELECT 'rule', count(*), string_agg((to_jsonb(x) - 'updated_at')::text, '|' ORDER BY x.rule_code) FROM cleangov.rule x
  UNION ALL SELECT 'rule_history', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.rule_history x
  UNION ALL SELECT 'alert', count(*), string_agg(x::text, '|' ORDER BY x.alert_id) FROM cleangov.alert x
  UNION ALL SELECT 'alert_event', count(*), string_agg(x::text, '|' ORDER BY x.event_id) FROM cleangov.alert_event x
  UNION ALL SELECT 'rectification', count(*), string_agg(x::text, '|' ORDER BY x.rectification_id) FROM cleangov.rectification x
  UNION ALL SELECT 'ladder', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.ladder x
  UNION ALL SELECT 'ladder_step', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.ladder_step x
  UNION ALL SELECT 'rule_ladder', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.rule_ladder x
  UNION ALL SELECT 'rectification_evaluation', count(*), string_agg(x::text, '|' ORDER BY x.evaluation_id) FROM cleangov.rectification_evaluation x
  UNION ALL SELECT 'risk_scenario', count(*), string_agg(x::text, '|' ORDER BY x.scenario) FROM cleangov.risk_scenario x
  UNION ALL SELECT 'risk_register', count(*), string_agg(x::text, '|' ORDER BY x.unit_code) FROM cleangov.risk_register x
  UNION ALL SELECT 'risk_point', count(*), string_agg(x::text, '|' ORDER BY x.point_id) FROM cleangov.risk_point x
  UNION ALL SELECT 'risk_point_rule', count(*), string_agg(x::text, '|' ORDER BY x::text) FROM cleangov.risk_point_rule x
  UNION ALL SELECT 'risk_register_event', count(*), string_agg(x::text, '|' ORDER BY x.event_id) FROM cleangov.risk_register_event x
  UNION ALL SELECT 'filing', count(*), string_agg(x::text, '|' ORDER BY x.filing_id) FROM cleangov.filing x
  UNION ALL SELECT 'filing_event', count(*), string_agg(x::text, '|' ORDER BY x.event_id) FROM cleangov.filing_event x
) s ORDER BY t;
SQL
}
a=$(fingerprint $src)
b=$(fingerprint $dst)
echo "$a"
if [ "$a" != "$b" ]; then
	echo "restored database differs:"; diff <(echo "$a") <(echo "$b"); exit 1
fi
fail=0
check() { # description, sql, expected
	local got
	got=$(psql -X -A -t -q -v ON_ERROR_STOP=1 -d $dst -c "$2" 2>/dev/null)
	if [ "$got" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: got '$got', want '$3'"; fail=1; fi
}
check "alerts, events and rectifications are all there" \
	"SELECT (SELECT count(*) FROM cleangov.alert WHERE rule_code NOT LIKE 'FILING%') || ' ' || (SELECT count(*) FROM cleangov.rectification)" "31 10"  # values below 10 are green in scheme "mine": not raised
check "the changed shipped scheme kept its change, once" \
	"SELECT count(*) || ' ' || min(cutoffs::text) || ' ' || bool_and(NOT shipped) FROM cleangov.band_scheme WHERE scheme_code = 'index3'" "1 {96,90,85} true"
check "shipped schemes are not doubled" "SELECT count(*) FROM cleangov.band_scheme" "4"
check "the rule change history came back, not logged again" \
	"SELECT count(*) FROM cleangov.rule_history WHERE rule_code = 'D_RULE'" "1"
check "the alert sequence continues" \
	"SELECT cleangov.raise_alert('D_RULE', 'unit', 'new', 'D-A', '2024', 50) > (SELECT max(alert_id) FROM cleangov.alert WHERE subject_key <> 'new')" "t"
check "the closing trigger works after restore" \
	"WITH r AS (INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, 'x' FROM cleangov.alert WHERE subject_key = 'new' RETURNING alert_id) SELECT count(*) FROM r" "1"
check "the ladder steps: the changed shipped one once, the user's one, none doubled" \
	"SELECT count(*) || ' ' || (SELECT deadline_days FROM cleangov.ladder_step WHERE ladder_code = 'default' AND level = 'yellow' AND step = 1) FROM cleangov.ladder_step" "13 20"
check "the evaluations came back, the failed one reopened its alert" \
	"SELECT string_agg(e.passed || ':' || e.reopened || ':' || a.status, ',' ORDER BY e.evaluation_id) FROM cleangov.rectification_evaluation e JOIN cleangov.alert a USING (alert_id)" "true:false:closed,false:true:open"
check "the evaluation sequence continues" \
	"SELECT (cleangov.evaluate_rectification(alert_id, 'third_party', true, true, false)).evaluation_id > 2 FROM cleangov.alert WHERE value = 12" "t"
check "the registers, points, filings and their trails came back" \
	"SELECT (SELECT count(*) FROM cleangov.risk_point) || ' ' || (SELECT count(*) FROM cleangov.risk_register_event) || ' ' || (SELECT count(*) FROM cleangov.filing) || ' ' || (SELECT count(*) FROM cleangov.filing_event) || ' ' || (SELECT count(*) FROM cleangov.alert WHERE rule_code LIKE 'FILING%')" "2 5 2 4 2"
check "the user's scenario and the changed shipped one came back, once" \
	"SELECT count(*) || ' ' || (SELECT label_en FROM cleangov.risk_scenario WHERE scenario = 'fee waiver') FROM cleangov.risk_scenario" "30 fees waived"
check "the filing sequence continues and the status guard works" \
	"SELECT (cleangov.submit_filing('personal_matter', 'other', 'D-A', 'new', '2030-01-01', NULL, 'P2')).filing_id > 2" "t"
check "the event trail is still append-only" \
	"DO \$\$ BEGIN DELETE FROM cleangov.alert_event; EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'refused'; END \$\$; SELECT count(*) > 0 FROM cleangov.alert_event" "t"
exit $fail
