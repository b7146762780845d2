#!/usr/bin/env bash
# The outbox of watch() on a Citus distributed table (src/sql/59_outbox.sql),
# measured on a throwaway cluster of a coordinator and two workers on
# loopback (test/citus/cluster.sh, ports from $CLEANGOV_CITUS_PORT, default
# 57660): what the capture adds to a write, what a drain costs per 1,000 and
# per 100,000 outbox rows, and the latency from the commit of a write to its
# alert being visible on the coordinator with a drain loop of pause 1 s (what
# cleangov.schedule_drain('1 second') runs under pg_cron).  Prints figures;
# asserts nothing.  One machine: the figures show overhead, not scale-out.
#
#   bash bench/citus_outbox.sh
#
# Two row rules of the contract shape (the rule library is disabled), no
# realtime set rule (that one runs over the whole table at each drain, as it
# runs at each statement of a local watch).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib.sh"
export CLEANGOV_CITUS_PORT=${CLEANGOV_CITUS_PORT:-57660}
source "$here/../test/citus/cluster.sh"

start() {
	build_and_install >/dev/null || return 1
	bash "$CLEANGOV_ROOT/scripts/citus-build.sh" >/dev/null || return 1
	citus_cluster_init "$(mktemp -d /tmp/cleangov-citus-bench.XXXXXX)"
	local n
	for n in coordinator w1 w2; do
		citus_node_start "$n" || return 1
		cpsql "$n" -q -c 'CREATE EXTENSION citus' >/dev/null || return 1
	done
	cpsql coordinator -q -v ON_ERROR_STOP=1 \
		-c "SELECT citus_set_coordinator_host('localhost', $(citus_port coordinator))" \
		-c "SELECT citus_add_node('localhost', $(citus_port w1))" \
		-c "SELECT citus_add_node('localhost', $(citus_port w2))" \
		-c 'CREATE EXTENSION cleangov' >/dev/null
}
# the installed files are read by CREATE EXTENSION: hold the lock until then
with_install_lock start || { echo "could not start the cluster"; exit 1; }
exec 9>&-   # and release it for the measurements
trap citus_cluster_stop EXIT
q() { cpsql coordinator -X -q -At -v ON_ERROR_STOP=1 "$@"; }

q -c "SET client_min_messages = warning" -c "
UPDATE cleangov.rule SET enabled = false;
CREATE SCHEMA bench;
CREATE TABLE bench.orders (no bigint PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text);
SELECT create_distributed_table('bench.orders', 'no');
CREATE TABLE bench.plain (LIKE bench.orders INCLUDING ALL);
SELECT create_distributed_table('bench.plain', 'no', colocate_with => 'bench.orders');
SELECT cleangov.bind('contract', 'bench.orders',
  '{\"contract_id\": \"no\", \"buyer_id\": \"buyer\", \"supplier_id\": \"supplier\", \"amount\": \"price\", \"market_price\": \"ref\", \"unit_code\": \"unit\"}');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('B_OVER', 'over reference', '高于参考价', 'bench', 'contract', '{\"pct\": 0.2}', 'yellow'),
 ('B_BIG', 'big', '大额', 'bench', 'contract', '{\"limit\": 1000}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('B_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct'),
 ('B_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit');
SELECT cleangov.watch('bench.orders');" >/dev/null || { echo "setup failed"; exit 1; }

# rows lo..hi, one in a hundred breaching B_BIG
rows() { echo "SELECT k, 'b', 's' || (k % 1000), CASE WHEN k % 100 = 0 THEN 5000 ELSE 10 + k % 50 END, 100, 'u' FROM generate_series($1, $2) k"; }
ms() { # ms SQL: best of three wall times of a statement, in ms
	local best='' t
	for _ in 1 2 3; do
		t=$(q -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
		best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
	done
	echo "$best"
}

echo "== capture: INSERT ... SELECT of 100,000 rows (best of 3)"
base=1000000
plain=$(ms "TRUNCATE bench.plain; INSERT INTO bench.plain $(rows 1 100000)")
watched=0
for i in 1 2 3; do
	q -c "TRUNCATE bench.orders" -c "TRUNCATE $(q -c "SELECT outbox FROM cleangov.watched_outbox")" >/dev/null
	t=$(q -c '\timing on' -c "INSERT INTO bench.orders $(rows 1 100000)" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
	watched=$(awk -v a="$watched" -v b="$t" -v i="$i" 'BEGIN { print (i == 1 || b < a) ? b : a }')
done
echo "unwatched distributed table: $plain ms; watched (outbox capture on the shards): $watched ms"
q -c "TRUNCATE bench.orders" -c "TRUNCATE $(q -c "SELECT outbox FROM cleangov.watched_outbox")" >/dev/null

echo "== drain: cleangov.drain_outbox() of N outbox rows (1 % breaching; best of 3)"
for n in 1000 100000; do
	best=''
	for i in 1 2 3; do
		# in one session after a first (empty) drain: the figure of a running
		# drain loop, not of a session's first call (connections, plans)
		out=$(q -c '\timing on' -c "SELECT 'warm-up ' || count(*) FROM cleangov.drain_outbox()" \
			-c "INSERT INTO bench.orders $(rows $((base + 1)) $((base + n)))" \
			-c "SELECT rows_drained || ' rows, ' || alerts_raised || ' alerts' FROM cleangov.drain_outbox()")
		t=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
		what=$(echo "$out" | grep ' rows, ')
		best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
		q -c "TRUNCATE bench.orders" -c "DELETE FROM cleangov.alert_event" -c "DELETE FROM cleangov.alert" >/dev/null 2>&1 ||
			q -c "TRUNCATE bench.orders" >/dev/null
		base=$((base + n))
	done
	echo "$n outbox rows ($what): $best ms, $(awk -v t="$best" -v n="$n" 'BEGIN { printf "%.1f", t / n * 1000 }') ms per 1,000 rows"
done
first=$(q -c '\timing on' -c "SELECT count(*) FROM cleangov.drain_outbox()" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
idle=$(q -c '\timing on' -c "SELECT count(*) FROM cleangov.drain_outbox()" -c "SELECT count(*) FROM cleangov.drain_outbox()" \
	-c "SELECT count(*) FROM cleangov.drain_outbox()" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
echo "empty outbox: $idle ms per drain in a running session (each turn of an idle loop); $first ms as a session's first call"
echo "(the drains above ran in a session after a first drain, as in the loop)"

echo "== latency: commit of a single-row write to its alert visible on the coordinator, drain loop with pause 1 s"
( q -c "CALL cleangov.drain_outbox_loop('40 seconds', '1 second')" >/dev/null 2>&1 & )
sleep 2
q -c "SET client_min_messages = notice" -c "
DO \$\$
DECLARE
  t0 timestamptz;
  lat float8[] := '{}';
  k bigint;
BEGIN
  FOR i IN 1 .. 20 LOOP
    k := 900000000 + i;
    INSERT INTO bench.orders VALUES (k, 'b', 's', 5000, 100, 'u');
    COMMIT;
    t0 := clock_timestamp();
    LOOP
      EXIT WHEN EXISTS (SELECT FROM cleangov.alert a WHERE a.rule_code = 'B_BIG' AND a.subject_key = k::text);
      PERFORM pg_sleep(0.01);
    END LOOP;
    lat := lat || extract(epoch FROM clock_timestamp() - t0)::float8;
    COMMIT;
    PERFORM pg_sleep(random());   -- not in step with the loop: a write lands anywhere in its pause
  END LOOP;
  RAISE NOTICE 'latency over 20 writes: median % s, mean % s, max % s',
    (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)::numeric, 2) FROM unnest(lat) x),
    (SELECT round(avg(x)::numeric, 2) FROM unnest(lat) x), (SELECT round(max(x)::numeric, 2) FROM unnest(lat) x);
END
\$\$" 2>&1 | sed 's/^NOTICE:  //'
echo "(under pg_cron alone, one drain a minute, '* * * * *': up to 60 s, 30 s on average, plus the drain)"
