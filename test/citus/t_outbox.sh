#!/usr/bin/env bash
# The outbox of watch() on a Citus distributed table, committed (40_outbox.sql
# runs in one rolled-back transaction): a plain writer's commits reach the
# outbox on the workers (two-phase commit), a rolled-back transaction leaves
# nothing, a drain whose backend dies mid-way loses nothing, two concurrent
# drains evaluate every row once, a drain twice raises nothing new, and the
# pg_cron job of cleangov.schedule_drain() drains on its own.
# Run by test/citus/run.sh (CITUS_DIR, CITUS_BASE_PORT, CITUS_DB exported).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cluster.sh"
if [ "$(id -u)" = 0 ]; then CITUS_AS=(runuser -u postgres --); else CITUS_AS=(); fi
q() { cpsql coordinator -X -q -At -v ON_ERROR_STOP=1 "$@"; }
fails=0
check() { # check NAME WANT HAVE
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: want [$2], have [$3]"; fails=$((fails + 1)); fi
}

cleanup() {
	q -c "SELECT cron.unschedule('cleangov_drain_outbox') FROM cron.job WHERE jobname = 'cleangov_drain_outbox'" >/dev/null 2>&1
	q -c "SET client_min_messages = error" -c "DO \$\$ BEGIN IF to_regclass('wt.orders') IS NOT NULL AND EXISTS (SELECT FROM cleangov.watched WHERE source = 'wt.orders'::regclass) THEN PERFORM cleangov.unwatch('wt.orders'); END IF; END \$\$" \
		-c "SELECT cleangov.unbind('contract') FROM cleangov.binding WHERE shape = 'contract'" \
		-c "DROP SCHEMA IF EXISTS wt CASCADE" \
		-c "DELETE FROM cleangov.rule_definition WHERE rule_code LIKE 'WT\_%'" \
		-c "UPDATE cleangov.rule r SET enabled = true FROM wt_enabled e WHERE e.rule_code = r.rule_code" \
		-c "DROP TABLE IF EXISTS wt_enabled" -c "DROP ROLE IF EXISTS wt_writer" >/dev/null 2>&1
}
trap cleanup EXIT

q -c "SET client_min_messages = warning" -c "
CREATE TABLE wt_enabled AS SELECT rule_code FROM cleangov.rule WHERE enabled;
UPDATE cleangov.rule SET enabled = false WHERE enabled;
CREATE SCHEMA wt;
CREATE TABLE wt.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text);
SELECT create_distributed_table('wt.orders', 'no');
SELECT cleangov.bind('contract', 'wt.orders',
  '{\"contract_id\": \"no\", \"buyer_id\": \"buyer\", \"supplier_id\": \"supplier\", \"amount\": \"price\", \"market_price\": \"ref\", \"unit_code\": \"unit\"}');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level)
  VALUES ('WT_BIG', 'big', '大额', 'wttest', 'contract', '{\"limit\": 1000}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key)
  VALUES ('WT_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit');
SELECT cleangov.watch('wt.orders');
CREATE ROLE wt_writer LOGIN;
GRANT USAGE ON SCHEMA wt TO wt_writer;
GRANT INSERT ON wt.orders TO wt_writer;" >/dev/null || { echo "not ok - setup"; exit 1; }
outbox=$(q -c "SELECT outbox FROM cleangov.watched_outbox WHERE source = 'wt.orders'::regclass")
alerts() { q -c "SELECT count(*) FROM cleangov.alert WHERE rule_code = 'WT_BIG'"; }
queued() { q -c "SELECT count(*) FROM $outbox"; }

# a plain writer (no right in cleangov) commits; a rollback leaves nothing
check "the writer has no right in cleangov" f "$(q -c "SELECT has_schema_privilege('wt_writer', 'cleangov', 'USAGE')")"
"${CITUS_AS[@]}" $PGBIN/psql -X -q -h "$CITUS_DIR" -p "$(citus_port coordinator)" -U wt_writer -d "$CITUS_DB" -v ON_ERROR_STOP=1 \
	-c "INSERT INTO wt.orders SELECT k, 'b', 's' || k, CASE WHEN k % 10 = 0 THEN 5000 ELSE 10 END, 10, 'u' FROM generate_series(1, 100) k" \
	-c "BEGIN" -c "INSERT INTO wt.orders VALUES (1000, 'b', 's', 9000, 10, 'u')" -c "ROLLBACK" >/dev/null
check "a plain writer's committed rows are in the outbox, a rolled-back one is not" 100 "$(queued)"
check "on the workers' shards" 100 "$(q -c "SELECT sum(result::int) FROM run_command_on_shards('$outbox', 'SELECT count(*) FROM %s')")"
check "nothing raised yet" 0 "$(alerts)"

# a drain whose backend dies before it commits loses nothing
( q -c "BEGIN" -c "SELECT count(*) FROM cleangov.drain_outbox()" -c "SELECT pg_sleep(60)" -c "COMMIT" >/dev/null 2>&1 & )
for _ in $(seq 1 50); do
	n=$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")
	[ "$n" = 1 ] && break
	sleep 0.2
done
q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'" >/dev/null
sleep 1
check "a drain killed before its commit leaves the outbox as it was" 100 "$(queued)"
check "and raises nothing" 0 "$(alerts)"

# two drains at once: each row once
( q -c "SELECT rows_drained FROM cleangov.drain_outbox()" >"$CITUS_DIR/drain1.out" 2>&1 & echo $! >"$CITUS_DIR/drain1.pid" )
q -c "SELECT rows_drained FROM cleangov.drain_outbox()" >"$CITUS_DIR/drain2.out" 2>&1
while kill -0 "$(cat "$CITUS_DIR/drain1.pid")" 2>/dev/null; do sleep 0.1; done
check "two concurrent drains take turns: 100 rows between them" 100 "$(( $(cat "$CITUS_DIR/drain1.out") + $(cat "$CITUS_DIR/drain2.out") ))"
check "every breaching row raised once" 10 "$(alerts)"
check "the outbox is empty" 0 "$(queued)"
check "a drain twice raises nothing" "0|0" "$(q -c "SELECT rows_drained || '|' || alerts_raised FROM cleangov.drain_outbox()")"
check "the alerts are the coordinator's only" 0 "$(q -c "SELECT sum(result::int) FROM run_command_on_workers('SELECT count(*) FROM cleangov.alert')")"

# pg_cron drains on its own (the coordinator preloads it; the extension is
# created on the coordinator only: Citus would propagate it to the workers)
q -c "SET citus.enable_ddl_propagation = off" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null
job=$(q -c "SELECT cleangov.schedule_drain('1 second')")
check "schedule_drain() schedules the job every minute" "* * * * *|true" \
	"$(q -c "SELECT schedule || '|' || (command ~ 'drain_outbox_loop') FROM cron.job WHERE jobid = $job")"
q -c "INSERT INTO wt.orders VALUES (101, 'b', 's', 7000, 10, 'u')" >/dev/null
got=0
for _ in $(seq 1 150); do
	[ "$(alerts)" = 11 ] && { got=1; break; }
	sleep 0.5
done
check "the pg_cron job drained the outbox (within 75 s: it starts at the next minute)" 1 "$got"
if [ "$got" = 1 ]; then
	q -c "INSERT INTO wt.orders VALUES (102, 'b', 's', 7000, 10, 'u')" >/dev/null
	start=$(date +%s.%N); got=0
	for _ in $(seq 1 100); do
		[ "$(alerts)" = 12 ] && { got=1; break; }
		sleep 0.1
	done
	check "with the loop running, a write's alert appears within 5 s" 1 "$got"
	echo "# latency with schedule_drain('1 second'): $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $start }") s"
fi
q -c "SELECT cron.unschedule('cleangov_drain_outbox')" >/dev/null
[ "$fails" -eq 0 ]
