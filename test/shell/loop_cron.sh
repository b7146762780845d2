#!/usr/bin/env bash
# Scheduling escalation with pg_cron (doc/alerts.md): the test cluster preloads
# pg_cron with cron.database_name = postgres, so the job is created there with
# cron.schedule_in_database() and runs the command in the cleangov database.
set -euo pipefail
db=cleangov_loop_cron
dropdb --if-exists $db 2>/dev/null; createdb $db
cleanup() {
	psql -X -q -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'cleangov-escalate'" >/dev/null 2>&1 || true
	psql -X -q -d postgres -c "DROP EXTENSION IF EXISTS pg_cron" >/dev/null 2>&1 || true
	dropdb --if-exists $db 2>/dev/null
}
trap cleanup EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CREATE EXTENSION cleangov' \
	-c "INSERT INTO cleangov.rule (rule_code, name_en, subject_kind) VALUES ('CRON_RULE', 'cron', 'unit')" \
	-c "SELECT cleangov.raise_alert('CRON_RULE', 'unit', 'late', 'U')" \
	-c "UPDATE cleangov.alert SET due_at = now() - interval '1 day'" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_cron' >/dev/null
cmd='SELECT count(*) FROM cleangov.escalate_overdue()'
job=$(psql -X -A -t -v ON_ERROR_STOP=1 -d postgres \
	-c "SELECT cron.schedule_in_database('cleangov-escalate', '*/15 * * * *', '$cmd', '$db')")
fail=0
got=$(psql -X -A -t -d postgres -c "SELECT schedule || '|' || command || '|' || database || '|' || active FROM cron.job WHERE jobid = $job")
[ "$got" = "*/15 * * * *|$cmd|$db|true" ] && echo "ok - the job is scheduled in database $db" || { echo "not ok - cron.job: $got"; fail=1; }
# What the job runs works, and running it twice changes nothing more (idempotent).
got=$(psql -X -A -t -d $db -c "$cmd" -c "$cmd")
[ "$got" = $'1\n0' ] && echo "ok - the scheduled command escalates once, then nothing" || { echo "not ok - command gave: $got"; fail=1; }
exit $fail
