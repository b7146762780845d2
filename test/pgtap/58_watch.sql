-- Watch triggers: the generated function's pre-check (the one-pass query of
-- the row rules runs only when some row breaches a rule) must find every
-- breaching row of a statement wherever it is, leave the realtime set rules
-- alone, and send a failing condition to the one-rule-at-a-time path.
BEGIN;
SELECT plan(21);
SET client_min_messages = warning;

CREATE SCHEMA w;
CREATE TABLE w.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text);
SELECT cleangov.bind('contract', 'w.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref", "unit_code": "unit"}');
UPDATE cleangov.rule SET enabled = false WHERE domain <> 'wtest';
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('W_OVER', 'over reference', '高于参考价', 'wtest', 'contract', '{"pct": 0.2}', 'yellow'),
 ('W_BIG', 'big', '大额', 'wtest', 'contract', '{"limit": 1000}', 'blue'),
 ('W_SUM', 'supplier total', '供应商合计', 'wtest', 'enterprise', '{"limit": 1500}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('W_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct'),
 ('W_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit');
INSERT INTO cleangov.rule_definition (rule_code, kind, query, realtime) VALUES ('W_SUM', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, '''' AS period, sum(amount) AS value,
          ''{}''::jsonb AS evidence FROM cleangov_bound.contract GROUP BY supplier_id HAVING sum(amount) > {limit}', true);
SELECT cleangov.watch('w.orders');

SELECT ok((SELECT bool_and('jit=off' = ANY (p.proconfig) AND p.prosecdef) FROM cleangov.watched x
             JOIN pg_proc p ON p.proname ~ ('^' || x.function || '_[0-9]+$')
            WHERE x.source = 'w.orders'::regclass),
          'the generated trigger function runs without JIT, as a security definer');

INSERT INTO w.orders VALUES (1, 'b', 's1', 100, 100, 'u'), (2, 'b', 's1', 130, 100, 'u'), (3, 'b', 's2', 100, 100, 'u'),
                            (4, 'b', 's2', 100, 100, 'u'), (5, 'b', 's3', 1200, 1200, 'u');
SELECT set_eq($$SELECT rule_code, subject_key FROM cleangov.alert$$,
              $$VALUES ('W_OVER', '2'), ('W_BIG', '5')$$,
              'breaching rows anywhere in the statement are found (the pre-check stops at the first)');

INSERT INTO w.orders VALUES (6, 'b', 's4', 100, 100, 'u');
SELECT is((SELECT count(*)::int FROM cleangov.alert), 2, 'a statement that breaches nothing raises nothing');

INSERT INTO w.orders VALUES (7, 'b', 's4', 800, 800, 'u'), (8, 'b', 's4', 700, 700, 'u');
SELECT set_eq($$SELECT rule_code, subject_key FROM cleangov.alert$$,
              $$VALUES ('W_OVER', '2'), ('W_BIG', '5'), ('W_SUM', 's4')$$,
              'a realtime set rule runs even when no row rule is breached');

INSERT INTO w.orders VALUES (9, 'b', 's5', 2000, 1000, 'u');
SELECT set_eq($$SELECT rule_code FROM cleangov.alert WHERE subject_key = '9'$$, $$VALUES ('W_OVER'), ('W_BIG')$$,
              'a row breaching two rules raises both');

UPDATE w.orders SET price = 5000 WHERE no = 1;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = '1'), 2, 'an UPDATE goes through the pre-check too');

-- A condition that fails at run time fails the pre-check: the rules then run
-- one at a time, the failing one is quarantined, the others raise.
UPDATE cleangov.rule_definition SET condition = 'r.amount / (r.amount - 700) > {limit}' WHERE rule_code = 'W_BIG';
SELECT lives_ok($$INSERT INTO w.orders VALUES (10, 'b', 's6', 700, 700, 'u'), (11, 'b', 's6', 300, 100, 'u')$$,
                'the write goes on when a condition fails');
SELECT is((SELECT count(*)::int FROM w.orders WHERE no IN (10, 11)), 2, 'the rows are written');
SELECT results_eq($$SELECT rule_code, last_sqlstate FROM cleangov.rule_quarantine$$,
                  $$VALUES ('W_BIG', '22012')$$, 'the failing rule is quarantined');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'W_OVER' AND subject_key = '11'), 1,
          'the other row rule raises its alert');

-- The rule quarantined inside the watch trigger is its owner's last rule on
-- the table: the function running is not dropped under it but emptied, its
-- triggers stay, and the next rewatch() outside a trigger drops them.
UPDATE cleangov.rule SET enabled = false WHERE rule_code IN ('W_OVER', 'W_SUM');
SELECT cleangov.release_rule('W_BIG');
SELECT lives_ok($$INSERT INTO w.orders VALUES (12, 'b', 's7', 100, 100, 'u'), (13, 'b', 's7', 700, 700, 'u'), (14, 'b', 's7', 900, 900, 'u')$$,
                'a multi-row write quarantining the last rule of its owner on the table goes on');
SELECT results_eq($$SELECT rule_code FROM cleangov.rule_quarantine$$, $$VALUES ('W_BIG')$$, 'the rule is quarantined');
SELECT results_eq($$SELECT count(*)::int, bool_and(p.prosrc ~ 'no rule of this owner') FROM cleangov.watched x
                     JOIN pg_proc p ON p.proname ~ ('^' || x.function || '_[0-9]+$') WHERE x.source = 'w.orders'::regclass$$,
                  $$VALUES (1, true)$$, 'the running function is kept, with an empty body');
SELECT is((SELECT count(*)::int FROM pg_trigger g WHERE g.tgrelid = 'w.orders'::regclass AND g.tgname ~ '^cleangov_watch_'), 2,
          'and its triggers');
SELECT lives_ok($$INSERT INTO w.orders VALUES (15, 'b', 's7', 700, 700, 'u'); UPDATE w.orders SET price = 701 WHERE no IN (13, 15)$$,
                'further writes in the same transaction go through the empty function');
SELECT cleangov.rewatch('w.orders');
SELECT is((SELECT count(*)::int FROM pg_trigger g WHERE g.tgrelid = 'w.orders'::regclass AND g.tgname ~ '^cleangov_watch_'), 0,
          'rewatch() outside a trigger drops the empty function and its triggers');
SELECT cleangov.release_rule('W_BIG');
INSERT INTO w.orders VALUES (16, 'b', 's8', 700.5, 700.5, 'u');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'W_BIG' AND subject_key = '16'), 1,
          'released, the rule is watched again and raises');

SELECT is((SELECT count(*)::int FROM cleangov.watched_outbox), 0, 'watch() made no outbox');
SELECT cleangov.unwatch('w.orders');
SELECT is((SELECT count(*)::int FROM cleangov.watched), 0, 'unwatch() forgets the table');


-- Without Citus nothing of the outbox (59_outbox.sql) is used: the table is
-- watched in the writing transaction, and drain_outbox() has nothing to do.
SELECT is(cleangov.citus_table_kind('w.orders'), NULL, 'without Citus a table is no Citus table');
SELECT throws_ok($$SELECT cleangov.drain_outbox('w.orders')$$, '42704', 'table w.orders is not watched through an outbox',
                 'drain_outbox() of a table watched without an outbox');

SELECT * FROM finish();
ROLLBACK;
