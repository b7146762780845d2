-- watch() on a Citus distributed table: the outbox (src/sql/59_outbox.sql).
-- Shard triggers capture the written rows into a co-located outbox on the
-- workers; cleangov.drain_outbox() on the coordinator evaluates them with
-- the coordinator's rules, through the same watch functions as a local
-- table, exactly once.  One transaction, rolled back (the committed path,
-- two-phase commit and pg_cron: t_outbox.sh).
BEGIN;
SELECT plan(36);
SET client_min_messages = warning;

CREATE SCHEMA wo;
CREATE TABLE wo.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text);
SELECT create_distributed_table('wo.orders', 'no');
SELECT cleangov.bind('contract', 'wo.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref", "unit_code": "unit"}');
UPDATE cleangov.rule SET enabled = false WHERE domain <> 'wotest';
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('WO_OVER', 'over reference', '高于参考价', 'wotest', 'contract', '{"pct": 0.2}', 'yellow'),
 ('WO_BIG', 'big', '大额', 'wotest', 'contract', '{"limit": 1000}', 'blue'),
 ('WO_SUM', 'supplier total', '供应商合计', 'wotest', 'enterprise', '{"limit": 1500}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('WO_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct'),
 ('WO_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit');
INSERT INTO cleangov.rule_definition (rule_code, kind, query, realtime) VALUES ('WO_SUM', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, '''' AS period, sum(amount) AS value,
          ''{}''::jsonb AS evidence FROM cleangov_bound.contract GROUP BY supplier_id HAVING sum(amount) > {limit}', true);

-- the outbox --------------------------------------------------------------
SELECT lives_ok($$SELECT cleangov.watch('wo.orders')$$, 'watch() on a hash-distributed table');
SELECT is((SELECT key_column FROM cleangov.watched_outbox WHERE source = 'wo.orders'::regclass), 'no'::name,
          'it has an outbox keyed by the distribution column');
SELECT is((SELECT count(DISTINCT p.colocationid)::int FROM pg_dist_partition p
            WHERE p.logicalrelid IN ('wo.orders'::regclass, (SELECT outbox FROM cleangov.watched_outbox))), 1,
          'the outbox is distributed, co-located with the table');
SELECT is((SELECT count(*)::int FROM pg_trigger g WHERE g.tgrelid = 'wo.orders'::regclass AND g.tgname ~ '^cleangov_watch_'), 0,
          'no watch trigger on the distributed table itself');
SELECT is((SELECT array_agg(g.tgname::text ORDER BY g.tgname) FROM pg_trigger g WHERE g.tgrelid = 'wo.orders'::regclass AND g.tgname ~ '^cleangov'),
          ARRAY['cleangov_outbox_insert', 'cleangov_outbox_update'], 'the capture triggers');
SELECT is((SELECT count(*)::int FROM pg_trigger g
            WHERE g.tgrelid = (SELECT stage FROM cleangov.watched_outbox) AND g.tgname ~ '^cleangov_watch_'), 2,
          'the watch triggers sit on the staging table');
SELECT is(current_setting('citus.enable_unsafe_triggers'), 'off', 'watch() left citus.enable_unsafe_triggers as it was');

-- capture: INSERT, COPY, UPDATE; a rolled-back statement ---------------------
INSERT INTO wo.orders VALUES (1, 'b', 's1', 100, 100, 'u'), (2, 'b', 's1', 130, 100, 'u'), (3, 'b', 's2', 100, 100, 'u'),
                             (4, 'b', 's2', 100, 100, 'u'), (5, 'b', 's3', 1200, 1200, 'u');
COPY wo.orders FROM STDIN;
6	b	s3	400	400	u
7	b	s4	2500	2500	u
\.
UPDATE wo.orders SET price = 900 WHERE no = 3;
SAVEPOINT before;
INSERT INTO wo.orders VALUES (8, 'b', 's5', 9000, 100, 'u');
ROLLBACK TO SAVEPOINT before;
SELECT is((SELECT count(*)::int FROM cleangov.alert), 0, 'nothing is raised while writing');
SELECT results_eq(format('SELECT cleangov_op::text, count(*)::int FROM %s GROUP BY 1 ORDER BY 1', (SELECT outbox FROM cleangov.watched_outbox)),
                  $$VALUES ('I', 7), ('U', 1)$$, 'the outbox holds the rows inserted, copied and updated; not the rolled-back one');
SELECT ok((SELECT count(DISTINCT s.nodeport) > 1 FROM citus_shards s
            WHERE s.table_name = (SELECT outbox FROM cleangov.watched_outbox)
              AND s.shardid IN (SELECT get_shard_id_for_distribution_column((SELECT outbox FROM cleangov.watched_outbox), k) FROM generate_series(1, 7) k)),
          'on the shards of several workers');

-- the drain ---------------------------------------------------------------
SELECT results_eq($$SELECT source_table::text, rows_drained, alerts_raised FROM cleangov.drain_outbox()$$,
                  $$VALUES ('wo.orders', 8::bigint, 6::bigint)$$, 'the drain evaluates the 8 rows and raises 6 alerts');
SELECT set_eq($$SELECT rule_code, subject_key, value FROM cleangov.alert$$,
              $$VALUES ('WO_OVER', '2', 0.3::float8), ('WO_BIG', '5', 1200), ('WO_BIG', '7', 2500), ('WO_SUM', 's3', 1600), ('WO_SUM', 's4', 2500), ('WO_OVER', '3', 8)$$,
              'the alerts of a local watch: row rules over each row, the realtime set rule over the table');
SELECT is(format('%s', (SELECT count(*) FROM cleangov.alert WHERE rule_code = 'WO_OVER' AND subject_key = '2'
                                                           AND evidence ->> 'contract_id' = '2' AND source_table = 'wo.orders')),
          '1', 'with the evidence and source of a local watch');
SELECT results_eq(format('SELECT count(*)::int FROM %s', (SELECT outbox FROM cleangov.watched_outbox)), ARRAY[0], 'the outbox is empty');
SELECT results_eq(format('SELECT count(*)::int FROM %s', (SELECT stage FROM cleangov.watched_outbox)), ARRAY[0], 'so is the stage');
SELECT results_eq($$SELECT source_table::text, rows_drained, alerts_raised FROM cleangov.drain_outbox('wo.orders')$$,
                  $$VALUES ('wo.orders', 0::bigint, 0::bigint)$$, 'a second drain finds nothing');
SELECT is((SELECT count(*)::int FROM cleangov.alert), 6, 'and raises nothing');
SELECT is((SELECT sum(result::int)::int FROM run_command_on_workers('SELECT count(*) FROM cleangov.alert')), 0,
          'no alert on the workers');

-- the coordinator's rules count, at the next drain --------------------------
UPDATE cleangov.rule SET thresholds = '{"limit": 10000}' WHERE rule_code = 'WO_BIG';
UPDATE cleangov.rule_definition SET quarantined_at = clock_timestamp() WHERE rule_code = 'WO_OVER';
INSERT INTO wo.orders VALUES (9, 'b', 's6', 6000, 100, 'u'), (10, 'b', 's7', 20000, 20000, 'u');
SELECT results_eq($$SELECT rows_drained, alerts_raised FROM cleangov.drain_outbox()$$,
                  $$VALUES (2::bigint, 3::bigint)$$, 'a threshold changed and a rule quarantined on the coordinator');
SELECT set_eq($$SELECT rule_code, subject_key FROM cleangov.alert WHERE subject_key IN ('9', '10', 's6', 's7')$$,
              $$VALUES ('WO_BIG', '10'), ('WO_SUM', 's6'), ('WO_SUM', 's7')$$,
              'take effect at the next drain: 6000 is under the new limit, the quarantined rule raises nothing');

-- a rule failing in the drain is quarantined on the coordinator, the others raise
SELECT cleangov.release_rule('WO_OVER');
UPDATE cleangov.rule_definition SET condition = 'r.amount / (r.amount - 700) > {limit}' WHERE rule_code = 'WO_BIG';
INSERT INTO wo.orders VALUES (11, 'b', 's8', 700, 700, 'u'), (12, 'b', 's8', 300, 100, 'u');
SELECT results_eq($$SELECT rows_drained FROM cleangov.drain_outbox()$$, ARRAY[2::bigint], 'a drain with a failing rule goes on');
SELECT results_eq($$SELECT rule_code, last_sqlstate FROM cleangov.rule_quarantine$$, $$VALUES ('WO_BIG', '22012')$$,
                  'the failing rule is quarantined');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'WO_OVER' AND subject_key = '12'), 1, 'the other rule raises');
SELECT cleangov.release_rule('WO_BIG');

-- max_rows ------------------------------------------------------------------
INSERT INTO wo.orders VALUES (13, 'b', 's9', 1, 1, 'u'), (14, 'b', 's9', 1, 1, 'u'), (15, 'b', 's9', 1, 1, 'u');
SELECT results_eq($$SELECT rows_drained FROM cleangov.drain_outbox(max_rows => 2)$$, ARRAY[2::bigint], 'max_rows: at most that many');
SELECT results_eq($$SELECT rows_drained FROM cleangov.drain_outbox()$$, ARRAY[1::bigint], 'the rest at the next drain');

-- what cannot work is refused ----------------------------------------------
CREATE TABLE wo.pay (id text PRIMARY KEY, unit text, cat text, amount numeric, paid timestamptz DEFAULT now());
SELECT create_reference_table('wo.pay');
SELECT cleangov.bind('expense', 'wo.pay', '{"expense_id": "id", "unit_code": "unit", "category": "cat", "paid_at": "paid"}');
SELECT throws_ok($$SELECT cleangov.watch('wo.pay')$$, '0A000', 'cannot watch wo.pay: it is a Citus reference table',
                 'a reference table is refused');
CREATE TABLE wo.local_pay (id text PRIMARY KEY, unit text, cat text, amount numeric, paid timestamptz DEFAULT now());
SELECT citus_add_local_table_to_metadata('wo.local_pay');
SELECT cleangov.unbind('expense');
SELECT cleangov.bind('expense', 'wo.local_pay', '{"expense_id": "id", "unit_code": "unit", "category": "cat", "paid_at": "paid"}');
SELECT throws_ok($$SELECT cleangov.watch('wo.local_pay')$$, '0A000', 'cannot watch wo.local_pay: it is a Citus citus local table',
                 'a Citus local table is refused');
SELECT throws_ok($$SELECT cleangov.drain_outbox('wo.local_pay')$$, '42704', NULL, 'drain_outbox() of a table without an outbox');
SELECT throws_ok($$SELECT cleangov.drain_outbox(max_rows => 0)$$, '22023', NULL, 'max_rows must be positive');

CREATE TABLE wo.cat (code text PRIMARY KEY, name text);
SELECT create_reference_table('wo.cat');
CREATE TABLE wo.pay2 (id text PRIMARY KEY, unit text, cat text, amount numeric, paid timestamptz DEFAULT now());
SELECT create_distributed_table('wo.pay2', 'id');
SELECT cleangov.unbind('expense');
SELECT cleangov.bind('expense', 'wo.pay2', '{"expense_id": "id", "unit_code": "unit", "category": "c.name", "paid_at": "paid"}',
                     '{"c": {"table": "wo.cat", "on": {"code": "cat"}}}');
SELECT throws_ok($$SELECT cleangov.watch('wo.pay2')$$, '0A000',
                 'cannot watch the Citus distributed table wo.pay2 through an outbox: shape expense joins it to other tables',
                 'a distributed table whose shape has lookups is refused');

-- unwatch drains first, then drops the outbox -------------------------------
INSERT INTO wo.orders VALUES (16, 'b', 's10', 50000, 50000, 'u');
SELECT lives_ok($$SELECT cleangov.unwatch('wo.orders')$$, 'unwatch()');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 's10'), 1, 'it evaluated the rows still in the outbox (the realtime set rule)');
SELECT is((SELECT count(*)::int FROM cleangov.watched_outbox), 0, 'the outbox is forgotten');
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'cleangov_outbox'::regnamespace), 0, 'and dropped, with its stage');
SELECT is((SELECT count(*)::int FROM pg_trigger g WHERE g.tgrelid = 'wo.orders'::regclass AND g.tgname ~ '^cleangov'), 0, 'the capture triggers are gone');


-- a dropped table's outbox goes with it
SELECT cleangov.watch('wo.orders');
INSERT INTO wo.orders VALUES (17, 'b', 's11', 1, 1, 'u');
SET client_min_messages = error;
DROP TABLE wo.orders CASCADE;
SET client_min_messages = warning;
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'cleangov_outbox'::regnamespace)
          + (SELECT count(*)::int FROM cleangov.watched_outbox), 0, 'DROP TABLE drops the outbox and its stage');

SELECT * FROM finish();
ROLLBACK;
