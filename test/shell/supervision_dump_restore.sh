#!/usr/bin/env bash
# Case clues and supervision orders (issue 17, parts 3 and 4) survive pg_dump /
# pg_restore: the clues, their trail, a changed stage limit (once, not doubled),
# the orders and their trail come back with the same content, the sequences
# continue, and the guards and the entry points work in the restored database.
set -euo pipefail
src=cleangov_sup_src
dst=cleangov_sup_dst
cleanup() { dropdb --if-exists $src 2>/dev/null; dropdb --if-exists $dst 2>/dev/null; rm -f "${dump:-}"; }
trap cleanup EXIT
cleanup
dump=$(mktemp)
createdb $src
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null <<'SQL'
CREATE EXTENSION cleangov;
INSERT INTO cleangov.unit VALUES ('D-JW', NULL, 'Commission', '纪委', 'commission', 'R1'), ('D-FIN', NULL, 'Finance', '财政局', 'department', 'R1');
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind) VALUES ('D_RULE', 'dump rule', 'funds', 'unit');
UPDATE cleangov.clue_stage SET limit_days = 45, basis = 'provincial rule' WHERE stage = 'verification';
SELECT cleangov.raise_alert('D_RULE', 'unit', 'k' || i, 'D-JW', '', i, 1, CASE WHEN i % 2 = 0 THEN 'red' ELSE 'yellow' END::cleangov.level)
  FROM generate_series(1, 6) i;
SELECT cleangov.alert_to_clue(alert_id) FROM cleangov.alert WHERE subject_key IN ('k1', 'k2', 'k3');
SELECT cleangov.close_clue(clue_id, 'unfounded', 'D-1') FROM cleangov.clue WHERE stage = 'clue';
SELECT cleangov.file_case(clue_id), cleangov.send_to_trial(clue_id), cleangov.decide_case(clue_id, 'organisational', 'D-2')
  FROM cleangov.clue WHERE stage = 'verification';
SELECT cleangov.receive_clue('D-FIN', 'complaint', 'person', 'P' || (i % 2), 'letter', NULL, now() - make_interval(days => i))
  FROM generate_series(1, 5) i;
SELECT count(*) FROM cleangov.clue_check(now());
SELECT cleangov.issue_order('D-JW', 'D-FIN', 'finance', 'matter ' || i, now() + interval '30 days', 'written_report', analysis => 'finance')
  FROM generate_series(1, 3) i;
SELECT cleangov.reply_order(min(order_id), 'done') FROM cleangov.supervision_order;
SELECT cleangov.remind_order(max(order_id)) FROM cleangov.supervision_order;
SQL
pg_dump -Fc -d $src -f "$dump"
createdb $dst
pg_restore -d $dst --exit-on-error "$dump"

fingerprint() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT t, n, md5(rows) FROM (
  SELECT 'clue_stage' t, count(*) n, string_agg(x::text, '|' ORDER BY x.position) rows FROM cleangov.clue_stage x
  UNION ALL SELECT 'clue', count(*), string_agg(x::text, '|' ORDER BY x.clue_id) FROM cleangov.clue x
  UNION ALL SELECT 'clue_event', count(*), string_agg(x::text, '|' ORDER BY x.event_id) FROM cleangov.clue_event x
  UNION ALL SELECT 'supervision_order', count(*), string_agg(x::text, '|' ORDER BY x.order_id) FROM cleangov.supervision_order x
  UNION ALL SELECT 'order_event', count(*), string_agg(x::text, '|' ORDER BY x.event_id) FROM cleangov.order_event x
  UNION ALL SELECT 'alert', count(*), string_agg(x::text, '|' ORDER BY x.alert_id) FROM cleangov.alert x
  UNION ALL SELECT 'alert_event', count(*), string_agg(x::text, '|' ORDER BY x.event_id) FROM cleangov.alert_event x
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
check "clues, orders and their events are all there" \
	"SELECT (SELECT count(*) FROM cleangov.clue) || ' ' || (SELECT count(*) FROM cleangov.supervision_order) || ' ' || (SELECT count(*) > 10 FROM cleangov.clue_event) || ' ' || (SELECT count(*) FROM cleangov.order_event)" "8 3 true 5"
check "the changed stage limit came back once, the shipped stages not doubled" \
	"SELECT count(*) || ' ' || (SELECT limit_days || ' ' || NOT shipped FROM cleangov.clue_stage WHERE stage = 'verification') FROM cleangov.clue_stage" "6 45 true"
check "the clue sequence continues and a received clue gets the changed limit when verified" \
	"SELECT c.clue_id > 8 AND (cleangov.start_verification(c.clue_id)).stage_due_at - now() = interval '45 days' FROM cleangov.receive_clue('D-JW', 'complaint', 'person', 'Z', 'x') c" "t"
check "the order sequence continues" \
	"SELECT (cleangov.issue_order('D-JW', 'D-FIN', 'finance', 'new', now() + interval '9 days', 'written_report', analysis => 'x')).order_id > 3" "t"
check "the decided case is executed after restore" \
	"SELECT string_agg(x.outcome, ',') FROM cleangov.clue c, LATERAL cleangov.execute_decision(c.clue_id) x WHERE c.stage = 'execution'" "sanctioned"
check "and its alert is confirmed through the review" \
	"SELECT a.review_verdict FROM cleangov.clue c JOIN cleangov.alert a USING (alert_id) WHERE c.outcome = 'sanctioned'" "confirmed"
check "the stage guard still refuses" \
	"DO \$\$ BEGIN UPDATE cleangov.clue SET stage = 'clue' WHERE stage = 'closed'; EXCEPTION WHEN object_not_in_prerequisite_state THEN RAISE NOTICE 'refused'; END \$\$; SELECT count(*) FROM cleangov.clue WHERE stage = 'closed'" "3"
check "the order trail is still append-only" \
	"DO \$\$ BEGIN DELETE FROM cleangov.order_event; EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'refused'; END \$\$; SELECT count(*) > 0 FROM cleangov.order_event" "t"
check "the check is idempotent across the restore" \
	"SELECT count(*) FROM cleangov.clue_check(now()) WHERE action = 'raised'" "0"
exit $fail
