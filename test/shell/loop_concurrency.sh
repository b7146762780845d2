#!/usr/bin/env bash
# Two real connections.  The interleaving is forced: the first session writes
# and then holds its transaction open (pg_sleep) while the second one starts;
# the script waits until the first is sleeping before starting the second.
#   1. two sessions raise the same alert at once: exactly one open alert, the
#      second session gets the same id back ('unchanged');
#   2. a rectification racing an escalation, in both orders: a consistent
#      state and a complete, ordered event trail.
set -euo pipefail
db=cleangov_loop_conc
dropdb --if-exists $db 2>/dev/null; createdb $db
trap 'dropdb --if-exists $db 2>/dev/null' EXIT
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d $db "$@"; }
q -c 'CREATE EXTENSION cleangov' -c "INSERT INTO cleangov.rule (rule_code, name_en, subject_kind) VALUES ('C_RULE', 'race', 'unit')"

# Wait until the background session named $1 is inside pg_sleep.
wait_sleeping() {
	for _ in $(seq 1 100); do
		[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1' AND query LIKE '%pg_sleep%' AND state = 'active'")" = 1 ] && return 0
		sleep 0.05
	done
	echo "session $1 never reached pg_sleep"; exit 1
}
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: got '$2', want '$3'"; fail=1; fi; }

# ---- 1. the same alert from two sessions ---------------------------------------
out1=$(mktemp); trap 'rm -f $out1; dropdb --if-exists $db 2>/dev/null' EXIT
PGAPPNAME=s1 q -c "BEGIN" -c "SELECT cleangov.raise_alert('C_RULE', 'unit', 'same', 'U', '2024', 1, evidence => '{\"e\": 1}')" \
	-c "SELECT pg_sleep(1.5)" -c "COMMIT" >"$out1" &
wait_sleeping s1
id2=$(PGAPPNAME=s2 q -c "SELECT alert_id || ':' || action FROM cleangov.raise_alerts(ARRAY[ROW('C_RULE', 'unit', 'same', 'U', '2024', 1, NULL, NULL, '{\"e\": 1}', NULL, NULL)::cleangov.hit])")
wait
id1=$(head -1 "$out1")
check "session 2 waited and got session 1's alert back, unchanged" "$id2" "$id1:unchanged"
check "exactly one open alert" "$(q -c "SELECT count(*) FROM cleangov.alert WHERE subject_key = 'same' AND status = 'open'")" "1"
check "one raised event, nothing else" "$(q -c "SELECT string_agg(event, ',') FROM cleangov.alert_event WHERE alert_id = $id1")" "raised"
# the same with new evidence in session 2: refreshed, still one alert
PGAPPNAME=s1 q -c "BEGIN" -c "SELECT cleangov.raise_alert('C_RULE', 'unit', 'same2', 'U', '2024', 1, evidence => '{\"e\": 1}')" \
	-c "SELECT pg_sleep(1.5)" -c "COMMIT" >"$out1" &
wait_sleeping s1
act=$(PGAPPNAME=s2 q -c "SELECT action FROM cleangov.raise_alerts(ARRAY[ROW('C_RULE', 'unit', 'same2', 'U', '2024', 2, NULL, NULL, '{\"e\": 2}', NULL, NULL)::cleangov.hit])")
wait
check "a concurrent hit with new evidence refreshes the one alert" "$act:$(q -c "SELECT count(*) || ':' || min(evidence::text) FROM cleangov.alert WHERE subject_key = 'same2'")" 'refreshed:1:{"e": 2}'

# ---- 2. rectification racing escalation -----------------------------------------
q -c "SELECT cleangov.raise_alert('C_RULE', 'unit', k, 'U', '2024', 1) FROM unnest(ARRAY['r-first', 'e-first']) k" >/dev/null
q -c "UPDATE cleangov.alert SET due_at = now() - interval '1 day' WHERE subject_key IN ('r-first', 'e-first')"
# (a) the rectification holds the row; the escalation waits, then finds it closed
PGAPPNAME=s1 q -c "BEGIN" -c "INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, 'fixed' FROM cleangov.alert WHERE subject_key = 'r-first'" \
	-c "SELECT pg_sleep(1.5)" -c "COMMIT" >/dev/null &
wait_sleeping s1
esc=$(PGAPPNAME=s2 q -c "SELECT string_agg(a.subject_key, ',' ORDER BY a.subject_key) FROM cleangov.escalate_overdue() e JOIN cleangov.alert a USING (alert_id)")
wait
check "escalation skipped the alert rectified meanwhile, escalated the other" "$esc" "e-first"
check "rectified first: closed, not escalated" "$(q -c "SELECT status || ':' || escalation_step || ':' || level FROM cleangov.alert WHERE subject_key = 'r-first'")" "closed:0:blue"
check "rectified first: trail raised, rectified" "$(q -c "SELECT string_agg(event, ',' ORDER BY event_id) FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE subject_key = 'r-first'")" "raised,rectified"
# (b) make e-first overdue again at step 1; the escalation holds the row; the rectification waits, then closes it
q -c "UPDATE cleangov.alert SET due_at = now() - interval '1 day' WHERE subject_key = 'e-first'"
PGAPPNAME=s1 q -c "BEGIN" -c "SELECT count(*) FROM cleangov.escalate_overdue()" -c "SELECT pg_sleep(1.5)" -c "COMMIT" >/dev/null &
wait_sleeping s1
PGAPPNAME=s2 q -c "INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, 'fixed late' FROM cleangov.alert WHERE subject_key = 'e-first'"
wait
check "escalated first: closed after accountability" "$(q -c "SELECT status || ':' || escalation_step || ':' || level FROM cleangov.alert WHERE subject_key = 'e-first'")" "closed:2:orange"
check "escalated first: trail raised, escalated, escalated, rectified" "$(q -c "SELECT string_agg(event, ',' ORDER BY event_id) FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE subject_key = 'e-first'")" "raised,escalated,escalated,rectified"
check "the rectified event records the level the escalation left" "$(q -c "SELECT to_level FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE subject_key = 'e-first' AND event = 'rectified'")" "orange"
exit $fail
