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
grep -q '== planted-case scoreboard' <<<"$out" || { echo "no scoreboard printed"; exit 1; }
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -v determinism=0 -d cleangov_demo -f demo/selfcheck.sql >/dev/null
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
