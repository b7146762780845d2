-- Rule engine: binding, rule definitions checked at creation, batch runs
-- (idempotent, logged), watch triggers over transition tables, quarantine.
BEGIN;
SELECT plan(40);
SET client_min_messages = warning;

CREATE SCHEMA erp;
CREATE TABLE erp.contracts (no int PRIMARY KEY, buyer text, supplier text, price numeric,
                            ref_price numeric, unit text, signed date, note text);
CREATE VIEW erp.contracts_v AS SELECT * FROM erp.contracts;

-- binding -------------------------------------------------------------------
SELECT throws_ok($$SELECT cleangov.bind('contract', 'erp.contracts', '{"contract_id": "nope"}')$$,
                 '42703', NULL, 'a mapped column missing from the source is refused (42703)');
SELECT throws_like($$SELECT cleangov.bind('contract', 'erp.contracts', '{"contract_id": "no"}')$$,
                   '%column "buyer_id" of shape "contract" not found%', 'a required column left unmapped is named');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'erp.contracts',
                   '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "signed"}')$$,
                 '42804', NULL, 'a column of the wrong type is refused (42804)');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'erp.contracts', '{"no_such": "no"}')$$,
                 '42703', NULL, 'a mapping key that is not a shape column is refused');
SELECT throws_ok($$SELECT cleangov.bind('no_shape', 'erp.contracts')$$, '42704', NULL, 'an unknown shape is refused');
SELECT is(cleangov.bind('contract', 'erp.contracts',
            '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price",
              "market_price": "ref_price", "unit_code": "unit", "signed_at": "signed"}')::text,
          'cleangov_bound.contract', 'bind() returns the view the rules read');
SELECT is(ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = 'cleangov_bound.contract'::regclass AND attnum > 0 ORDER BY attnum),
          ARRAY(SELECT column_name FROM cleangov.shape_column WHERE shape = 'contract' ORDER BY position),
          'the view has the shape''s columns in the shape''s order');
INSERT INTO erp.contracts VALUES (1, 'b1', 's1', 130, 100, 'u1', '2024-01-01'),
                                 (2, 'b1', 's1', 119, 100, 'u1', '2024-01-02'),
                                 (3, 'b1', 's2', 2000, 1900, 'u2', '2024-01-03');
SELECT is((SELECT count(*)::int FROM cleangov_bound.contract WHERE random_draw IS NULL AND amount > 0), 3,
          'unmapped optional columns read as NULL, mapped ones as the source');

-- rule definitions ----------------------------------------------------------
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('T_OVER', 'over market', '高于市场价', 'test', 'contract', '{"pct": 0.2}', 'yellow'),
 ('T_SUM', 'supplier sum', '供应商合计', 'test', 'enterprise', '{"limit": 1000}', 'blue'),
 ('T_STREAK', 'streak', '连续', 'test', 'unit', '{}', 'red');
SELECT lives_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key)
  VALUES ('T_OVER', 'row', 'contract', 'r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct')$$,
  'a row rule compiles');
SELECT lives_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, query) VALUES ('T_SUM', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, '''' AS period, sum(amount) AS value,
          jsonb_build_object(''n'', count(*)) AS evidence FROM cleangov_bound.contract GROUP BY supplier_id HAVING sum(amount) > {limit}')$$,
  'a set rule compiles');
SELECT is((SELECT reads FROM cleangov.rule_definition WHERE rule_code = 'T_SUM'), '{contract}'::text[],
          'the shapes a rule reads are recorded');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET condition = 'r.nope > 1' WHERE rule_code = 'T_OVER'$$,
                 '42703', NULL, 'a condition naming an unknown column is refused when written');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET condition = 'r.amount >' WHERE rule_code = 'T_OVER'$$,
                 '42601', NULL, 'a condition that does not parse is refused');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET condition = 'r.amount > {nope}' WHERE rule_code = 'T_OVER'$$,
                 '42704', NULL, 'an unset threshold is refused');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET query = 'SELECT 1 AS x' WHERE rule_code = 'T_SUM'$$,
                 '42703', NULL, 'a set query missing the required columns is refused');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET query = 'SELECT ''a'' AS subject_key, ''u'' AS unit_code, '''' AS period,
                   ''x''::text AS value, ''{}''::jsonb AS evidence' WHERE rule_code = 'T_SUM'$$,
                 '42804', NULL, 'a set query returning a value that is not a number is refused');
SELECT throws_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, query) VALUES ('NO_RULE', 'set', 'SELECT 1')$$,
                 '23503', NULL, 'a definition for a rule not in cleangov.rule is refused');
-- A rule may read a shape that is not bound yet: it compiles and is skipped.
SELECT lives_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, query, streak_min, streak_step) VALUES ('T_STREAK', 'set',
  'SELECT unit_code AS subject_key, unit_code, period, (collected / due)::float8 AS value, ''{}''::jsonb AS evidence
     FROM cleangov_bound.fee_collection WHERE collected < due', 2, 'year')$$,
  'a rule over an unbound shape compiles');
SELECT is(to_regclass('cleangov_bound.fee_collection'), NULL, 'and leaves no stand-in view behind');

-- batch runs ----------------------------------------------------------------
SELECT set_eq($$SELECT rule_code, status, hits, raised FROM cleangov.run(domain => 'test')$$,
              $$VALUES ('T_OVER', 'ok', 1, 1), ('T_SUM', 'ok', 1, 1), ('T_STREAK', 'skipped', 0, NULL)$$,
              'run() evaluates the domain''s rules, skips the one over an unbound shape');
SELECT set_eq($$SELECT rule_code, subject_key, value, threshold FROM cleangov.alert WHERE rule_code LIKE 'T\_%'$$,
              $$VALUES ('T_OVER', '1', 0.3::float8, 0.2::float8), ('T_SUM', 's2', 2000, NULL)$$,
              'alerts carry subject, measured value and threshold (119 is under 20 % over 100)');
SELECT set_eq($$SELECT rule_code, hits, raised FROM cleangov.run(domain => 'test') WHERE status = 'ok'$$,
              $$VALUES ('T_OVER', 1, 0), ('T_SUM', 1, 0)$$, 'a second run raises nothing new');
SELECT is((SELECT count(*)::int FROM cleangov.run_log WHERE rule_code = 'T_OVER' AND rows_read = 3 AND duration_ms >= 0), 2,
          'the run log has one row per rule per run with rows read and duration');
SELECT throws_ok($$SELECT * FROM cleangov.run('NO_SUCH')$$, '42704', NULL, 'run() of an unknown rule is refused');

-- streak over a bound shape --------------------------------------------------
CREATE TABLE erp.fees (town text, yr int, due numeric, got numeric);
SELECT cleangov.bind('fee_collection', 'erp.fees', '{"unit_code": "town", "period": "yr", "collected": "got"}');
INSERT INTO erp.fees VALUES ('t1', 2020, 100, 50), ('t1', 2021, 100, 50), ('t2', 2020, 100, 50), ('t2', 2022, 100, 50),
                            ('t3', 2021, 100, 100);
SELECT is((SELECT hits FROM cleangov.run('T_STREAK')), 1, 'the streak rule has one hit');
SELECT set_eq($$SELECT subject_key, period FROM cleangov.alert WHERE rule_code = 'T_STREAK'$$,
              $$VALUES ('t1', '2021')$$, 'a streak of 2 years fires at its second year; a gap breaks it');
-- Two hits of one period inside a streak (two fee rows of 2021): the islands
-- and the streak's length are functions of the periods, not of how the ties
-- of a period are numbered.
INSERT INTO erp.fees VALUES ('t4', 2020, 100, 50), ('t4', 2021, 100, 40), ('t4', 2021, 100, 60), ('t4', 2022, 100, 50);
SELECT is((SELECT hits FROM cleangov.run('T_STREAK')), 4, 'both hits of 2021 and the hit of 2022 of t4 close a streak');
SELECT results_eq($$SELECT period, (evidence ->> 'streak')::int FROM cleangov.alert
                     WHERE rule_code = 'T_STREAK' AND subject_key = 't4' ORDER BY period$$,
                  $$VALUES ('2021', 2), ('2022', 3)$$, 'a streak of three years counts three, whatever the duplicate of 2021');

-- watch ---------------------------------------------------------------------
SELECT throws_ok($$SELECT cleangov.watch('erp.contracts_v')$$, '42809', NULL, 'a view cannot be watched');
CREATE TABLE erp.other (x int);
SELECT throws_ok($$SELECT cleangov.watch('erp.other')$$, '55000', NULL, 'an unbound table cannot be watched');
SELECT lives_ok($$SELECT cleangov.watch('erp.contracts')$$, 'watch() a bound table');
INSERT INTO erp.contracts VALUES (4, 'b2', 's3', 500, 100, 'u1', '2024-02-01'), (5, 'b2', 's3', 100, 100, 'u1', '2024-02-01');
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'T_OVER'$$, $$VALUES ('1'), ('4')$$,
              'an INSERT raises the row rule''s alert in the writing transaction');
UPDATE erp.contracts SET price = 200 WHERE no = 5;
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'T_OVER'$$, $$VALUES ('1'), ('4'), ('5')$$,
              'an UPDATE is checked too');
UPDATE cleangov.rule SET thresholds = '{"pct": 5}' WHERE rule_code = 'T_OVER';
INSERT INTO erp.contracts VALUES (6, 'b2', 's3', 500, 100, 'u1', '2024-02-01');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'T_OVER' AND subject_key = '6'), 0,
          'a changed threshold reaches the watch trigger at once');

-- quarantine: a rule that fails at run time never blocks the write
UPDATE cleangov.rule SET thresholds = '{"pct": 0.2}' WHERE rule_code = 'T_OVER';
UPDATE cleangov.rule_definition SET value_expr = '1 / (r.amount - 700)' WHERE rule_code = 'T_OVER';
SELECT lives_ok($$INSERT INTO erp.contracts VALUES (7, 'b2', 's3', 700, 100, 'u1', '2024-02-01')$$,
                'the write goes on when a rule fails');
SELECT is((SELECT count(*)::int FROM erp.contracts WHERE no = 7), 1, 'the row is written');
SELECT results_eq($$SELECT rule_code, last_context, last_sqlstate FROM cleangov.rule_quarantine$$,
                  $$VALUES ('T_OVER', 'watch', '22012')$$, 'the failing rule is quarantined and shown with its failure');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'T_OVER' AND subject_key = '7'), 0,
          'a quarantined rule raises nothing');

SELECT lives_ok($$SELECT cleangov.unwatch('erp.contracts')$$, 'unwatch()');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'erp.contracts'::regclass), 0, 'unwatch() removes the triggers');

SELECT * FROM finish();
ROLLBACK;
