#!/usr/bin/env bash
# The demo as the README runs it (at the default scale): the generator builds
# the government database with its planted cases, the self-check proves the
# planted cases and identifiers are what doc/demo.md says, every detection
# runs, and the supervisor's report and the scoreboard print.
set -euo pipefail
cd "$(dirname "$0")/../.."
dropdb --if-exists cleangov_demo 2>/dev/null
trap 'dropdb --if-exists cleangov_demo 2>/dev/null' EXIT
out=$(bash scripts/demo-in-cluster.sh 2>&1) || { echo "$out"; exit 1; }
echo "$out" | sed -n '/planted_cases/,/^$/p'
# Tiered standards (demo/supervision_standards.sql): R003's alerts under each
# tier equal the tenders under that tier's days, counted from gov.tender.
std=$(awk '/== Tiered standards/ { on = 1; next } on && /^-- where/ { exit } on && /\|/ && !/standard/ { print }' <<<"$out")
for code in PZ-R003 PZBUR-R003; do
	grep -q "^ *$code *|" <<<"$std" || { echo "standards: no R003 alerts under $code"; echo "$std"; exit 1; }
done
bad=$(awk -F'|' '{ gsub(/ /, "", $4); gsub(/ /, "", $2); gsub(/ /, "", $3) } $4 != "0" || $2 != $3 || $2 == "0" { print }' <<<"$std")
[ -z "$bad" ] || { echo "standards: alerts and the tenders under their tier differ: $bad"; exit 1; }
grep -q 'PZBUR-R003 *| *[0-9]* *| threshold threshold | 20 *| 10 *| PZ-R003' <<<"$out" \
	|| { echo "standards: the bureau's deviation from its county is not shown"; exit 1; }
grep -q '== planted-case scoreboard' <<<"$out" || { echo "no scoreboard printed"; exit 1; }
# Risk registers and reporting duties (demo/supervision_register.sql): every
# planted case found, no near miss raised, nothing raised that was not planted.
sup=$(psql -X -At -d cleangov_demo -c "
  SELECT count(*) FILTER (WHERE fires) || ' ' || count(*) FILTER (WHERE NOT fires) FROM truth.register_planted")
[ "$sup" = "10 10" ] || { echo "supervision_register: planted / near misses '$sup', expected '10 10'"; exit 1; }
grep -q '== Risk registers and reporting duties' <<<"$out" || { echo "no supervision scoreboard printed"; exit 1; }
planted=$(psql -X -At -d cleangov_demo -c 'SELECT count(*) FROM truth.planted')
[ "$planted" -gt 50 ] || { echo "only $planted planted cases"; exit 1; }
# The loop ran: alerts reviewed, rectified, escalated twice, dismissed, and a recurrence caught.
loop=$(psql -X -At -d cleangov_demo -c "
  SELECT (SELECT count(*) FROM cleangov.alert WHERE recurrence_of IS NOT NULL) > 0
     AND (SELECT count(*) FROM cleangov.alert WHERE status = 'closed') > 0
     AND (SELECT count(*) FROM cleangov.alert WHERE status = 'dismissed') > 0
     AND (SELECT count(*) FROM cleangov.alert WHERE status = 'open' AND escalation_step = 2) > 0
     AND (SELECT count(*) FROM cleangov.alert_event WHERE event = 'escalated') > 0")
[ "$loop" = t ] || { echo "the demo did not show the whole loop"; exit 1; }
# The handling ladder and the evaluations (demo/supervision_ladder.sql): every
# line of its scoreboard found what it planted.
sup=$(awk '/== ladder scoreboard/ { on = 1; print; next } on && /[|+]/ { print; next } on { exit }' <<<"$out")
echo "$sup"
[ "$(grep -c '|' <<<"$sup")" -ge 10 ] || { echo "no ladder scoreboard printed"; exit 1; }
bad=$(awk -F'|' 'NF == 3 && $2 ~ /^ *[0-9]+ *$/ && ($2 + 0 != $3 + 0 || $2 + 0 == 0)' <<<"$sup")
[ -z "$bad" ] || { echo "ladder scoreboard: planted and found differ (or nothing planted): $bad"; exit 1; }
# Case clues and supervision orders (demo/supervision_clues.sql): every planted
# case found, no near-miss raised, no alert outside the truth.
grep -q '== supervision scoreboard' <<<"$out" || { echo "no supervision scoreboard printed"; exit 1; }
sup=$(psql -X -At -d cleangov_demo -c "
  SELECT count(DISTINCT t.rule_code) = 4
     AND bool_and(a.alert_id IS NOT NULL) FILTER (WHERE NOT t.near_miss)
     AND bool_and(a.alert_id IS NULL) FILTER (WHERE t.near_miss)
     AND (SELECT count(*) FROM cleangov.alert x WHERE x.rule_code ~ '^(CLUE|ORDER)_'
             AND NOT EXISTS (SELECT FROM truth.supervision_planted p WHERE p.rule_code = x.rule_code
                              AND p.subject_kind = x.subject_kind AND p.subject_key = x.subject_key)) = 0
     AND (SELECT count(*) FROM cleangov.clue WHERE source = 'alert') > 0
    FROM truth.supervision_planted t
    LEFT JOIN cleangov.alert a ON a.rule_code = t.rule_code AND a.subject_kind = t.subject_kind AND a.subject_key = t.subject_key")
[ "$sup" = t ] || { echo "supervision: planted cases missed, near-misses raised or alerts outside the truth"; exit 1; }
# Real time (demo/watch.sql): the approval system's own INSERTs raised alerts in
# their transactions, only for the late case; the 5,000-row statement raised its
# 100 late cases; a rule failing at run time was quarantined, the row written.
live=$(psql -X -At -d cleangov_demo -c "
  SELECT string_agg(c.case_no, ',' ORDER BY c.case_no) FROM gov.approval_case c
    JOIN cleangov.alert a ON a.rule_code = 'APPR_TIME_LIMIT' AND a.subject_key = c.case_id::text
   WHERE c.case_no LIKE 'LIVE-%'")
[ "$live" = LIVE-1 ] || { echo "watch: alerts for live cases '$live', expected LIVE-1"; exit 1; }
grep -q 'LIVE-1 .*| t *$' <<<"$out" || { echo "watch: LIVE-1's alert not shown as raised in the writing transaction"; exit 1; }
backlog=$(psql -X -At -d cleangov_demo -c "
  SELECT count(*) FROM cleangov.alert a JOIN gov.approval_case c ON a.subject_key = c.case_id::text
   WHERE a.rule_code = 'APPR_TIME_LIMIT' AND c.case_no LIKE 'BACKLOG-%'")
[ "$backlog" = 100 ] || { echo "watch: $backlog backlog alerts, expected 100"; exit 1; }
quarantine=$(psql -X -At -d cleangov_demo -c "
  SELECT (SELECT count(*) FROM gov.approval_case WHERE case_no = 'LIVE-ON-THE-SPOT') = 1
     AND (SELECT count(*) FROM cleangov.rule_failure WHERE rule_code = 'DEMO_NEAR_LIMIT' AND sqlstate = '22012') = 1
     AND (SELECT count(*) FROM cleangov.rule_quarantine) = 0")
[ "$quarantine" = t ] || { echo "watch: the failing rule was not quarantined and released with the row written"; exit 1; }
grep -q 'WARNING:.*DEMO_NEAR_LIMIT' <<<"$out" || { echo "watch: no WARNING for the failing rule"; exit 1; }
# The self-check is about the generated data: the cases demo/watch.sql wrote go first.
psql -X -q -v ON_ERROR_STOP=1 -d cleangov_demo \
	-c "DELETE FROM gov.approval_case WHERE case_no LIKE 'LIVE-%' OR case_no LIKE 'BACKLOG-%'"
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -v determinism=0 -d cleangov_demo -f demo/selfcheck.sql >/dev/null
