-- Exemptions as set operations (issue 15): the rows of cleangov.rule_exemption
-- are checked against a rule's hits by ONE anti-join, never by a subquery per
-- hit, in run() (rule_sql(): set rules, streak rules) and in the watch
-- triggers' one-pass query of the row rules; and they exempt exactly what
-- they exempted before: the rule's own rows only, for the hit's period or
-- every period (period NULL), until valid_until (inclusive), together with a
-- definition's own exemption expression.
BEGIN;
SELECT plan(23);
SET LOCAL client_min_messages = warning;

CREATE SCHEMA x;
CREATE TABLE x.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text, signed date);
SELECT cleangov.bind('contract', 'x.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref",
    "unit_code": "unit", "signed_at": "signed"}');
UPDATE cleangov.rule SET enabled = false WHERE domain <> 'xtest';
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('X_BIG', 'big', '大额', 'xtest', 'contract', '{"limit": 1000}', 'blue'),
 ('X_OVER', 'over reference', '高于参考价', 'xtest', 'contract', '{"pct": 0.2}', 'yellow'),
 ('X_OWN', 'buyer o', '采购人o', 'xtest', 'contract', '{"cap": 5000}', 'blue'),
 ('X_SUM', 'supplier month total', '供应商月合计', 'xtest', 'enterprise', '{"limit": 1500}', 'blue'),
 ('X_RUN', 'supplier total two months running', '供应商连续两月合计', 'xtest', 'enterprise', '{"limit": 1500}', 'red');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key, period_expr, exemption) VALUES
 ('X_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit', $$to_char(r.signed_at, 'YYYY-MM')$$, NULL),
 ('X_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct', NULL, NULL),
 -- a definition's own exemption besides the rows
 ('X_OWN', 'row', 'contract', $$r.buyer_id = 'o'$$, 'r.amount', NULL, NULL, 'h.value >= {cap}');
INSERT INTO cleangov.rule_definition (rule_code, kind, query, realtime, streak_min, streak_step) VALUES
 ('X_SUM', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, to_char(signed_at, ''YYYY-MM'') AS period, sum(amount) AS value,
          ''{}''::jsonb AS evidence FROM cleangov_bound.contract
    GROUP BY supplier_id, to_char(signed_at, ''YYYY-MM'') HAVING sum(amount) > {limit}', true, NULL, NULL),
 ('X_RUN', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, to_char(signed_at, ''YYYY-MM'') AS period, sum(amount) AS value,
          ''{}''::jsonb AS evidence FROM cleangov_bound.contract
    GROUP BY supplier_id, to_char(signed_at, ''YYYY-MM'') HAVING sum(amount) > {limit}', true, 2, 'month');

INSERT INTO cleangov.rule_exemption (rule_code, subject_key, period, reason, valid_until) VALUES
 ('X_BIG', '2', NULL, 'every period', NULL),
 ('X_BIG', '3', '2024-01', 'January only', NULL),
 ('X_BIG', '4', NULL, 'expired yesterday', current_date - 1),
 ('X_BIG', '6', NULL, 'valid through today', current_date),
 ('X_OVER', '5', NULL, 'X_OVER only', NULL),
 ('X_OWN', '8', NULL, 'row besides the definition''s exemption', NULL),
 ('X_SUM', 's1', NULL, 'every period', NULL),
 ('X_SUM', 's2', '2024-01', 'January only', NULL),
 ('X_SUM', 's3', NULL, 'expired', current_date - 30),
 ('X_SUM', 's5', NULL, 'X_SUM only, not X_RUN', NULL),
 ('X_RUN', 's4', '2024-02', 'the exempted month breaks the streak', NULL);
-- many rows of other subjects and rules, so that the exemption table is not trivially small
INSERT INTO cleangov.rule_exemption (rule_code, subject_key, period, reason)
SELECT c, 'other' || i, CASE WHEN i % 2 = 0 THEN '2024-01' END, 'padding'
  FROM generate_series(1, 2000) i, unnest(ARRAY['X_BIG', 'X_OVER', 'X_SUM', 'X_RUN']) c;
ANALYZE cleangov.rule_exemption;
SELECT cleangov.watch('x.orders');

-- Watched writes: one multi-row INSERT, then single-row INSERTs.
INSERT INTO x.orders VALUES
 (1, 'b', 's1', 1200, 1200, 'u', '2024-01-15'), (2, 'o', 's1', 1200, 1200, 'u', '2024-01-16'),
 (3, 'b', 's7', 1200, 1200, 'u', '2024-01-17'), (4, 'b', 's2', 1600, 1600, 'u', '2024-01-18'),
 (5, 'b', 's3', 2000, 1000, 'u', '2024-01-19'), (6, 'b', 's3', 1200, 1200, 'u', '2024-01-20');
INSERT INTO x.orders VALUES (7, 'o', 's4', 6000, 6000, 'u', '2024-01-21');
INSERT INTO x.orders VALUES (8, 'o', 's4', 1600, 1600, 'u', '2024-02-01');
INSERT INTO x.orders VALUES (9, 'o', 's4', 2000, 1500, 'u', '2024-03-01');
INSERT INTO x.orders VALUES (10, 'b', 's5', 1600, 1600, 'u', '2024-01-02');
INSERT INTO x.orders VALUES (11, 'b', 's5', 1600, 1600, 'u', '2024-02-02');
INSERT INTO x.orders VALUES (12, 'b', 's2', 1600, 1600, 'u', '2024-02-03');

SELECT set_eq($$SELECT subject_key, period FROM cleangov.alert WHERE rule_code = 'X_BIG'$$,
              $$VALUES ('1', '2024-01'), ('4', '2024-01'), ('5', '2024-01'), ('7', '2024-01'), ('8', '2024-02'),
                       ('9', '2024-03'), ('10', '2024-01'), ('11', '2024-02'), ('12', '2024-02')$$,
              'watched row rule: exempt for every period (2), for the hit''s period (3), through today (6); expired (4) is not');
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'X_OVER'$$, $$VALUES ('9')$$,
              'watched row rule: its own exemption row exempts (5), another rule''s rows do not exempt it');
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'X_OWN'$$, $$VALUES ('2'), ('9')$$,
              'watched row rule: the definition''s exemption (7) and a row (8) both exempt; X_BIG''s row for 2 does not');
SELECT set_eq($$SELECT subject_key, period FROM cleangov.alert WHERE rule_code = 'X_SUM'$$,
              $$VALUES ('s3', '2024-01'), ('s4', '2024-01'), ('s4', '2024-02'), ('s4', '2024-03'), ('s2', '2024-02')$$,
              'watched set rule: every period (s1, s5), one period (s2 in January only), expired (s3), another rule''s row (s4)');
SELECT set_eq($$SELECT subject_key, period FROM cleangov.alert WHERE rule_code = 'X_RUN'$$,
              $$VALUES ('s2', '2024-02'), ('s5', '2024-02')$$,
              'watched streak rule: an exempted month breaks the streak (s4), X_SUM''s rows do not count for it (s2, s5)');

-- A period-specific exemption of a row rule does not cover the subject's other periods.
UPDATE x.orders SET signed = '2024-02-10' WHERE no = 3;
SELECT set_eq($$SELECT period FROM cleangov.alert WHERE rule_code = 'X_BIG' AND subject_key = '3'$$, $$VALUES ('2024-02')$$,
              'watched UPDATE: the row moved out of its exempted period raises');

-- run() over the same data finds exactly the hits the watch raised.
CREATE TEMP TABLE ran AS SELECT rule_code, status, hits, raised FROM cleangov.run(domain => 'xtest');
SELECT results_eq($$SELECT rule_code, status, hits, raised FROM ran ORDER BY rule_code$$,
                  $$VALUES ('X_BIG', 'ok', 10, 0), ('X_OVER', 'ok', 1, 0), ('X_OWN', 'ok', 2, 0), ('X_RUN', 'ok', 2, 0), ('X_SUM', 'ok', 5, 0)$$,
                  'run() finds the hits the watched writes raised, no more (hits, none newly raised)');
SELECT set_eq($$SELECT (h).subject_key, (h).period FROM ($$ || cleangov.rule_sql('X_SUM') || $$) q$$,
              $$VALUES ('s3', '2024-01'), ('s4', '2024-01'), ('s4', '2024-02'), ('s4', '2024-03'), ('s2', '2024-02')$$,
              'rule_sql() of the set rule: the exemptions of the watch');
SELECT set_eq($$SELECT (h).subject_key, (h).period FROM ($$ || cleangov.rule_sql('X_RUN') || $$) q$$,
              $$VALUES ('s2', '2024-02'), ('s5', '2024-02')$$, 'rule_sql() of the streak rule: the exemptions of the watch');

-- A new exemption row counts at once, on both paths (the watch functions are generated again).
INSERT INTO cleangov.rule_exemption (rule_code, subject_key, period, reason) VALUES ('X_BIG', '13', '2024-04', 'new'), ('X_OVER', '13', '', 'no period');
INSERT INTO x.orders VALUES (13, 'b', 's6', 3000, 1000, 'u', '2024-04-01'), (14, 'b', 's6', 3000, 1000, 'u', '2024-04-02');
SELECT set_eq($$SELECT rule_code, subject_key FROM cleangov.alert WHERE subject_key IN ('13', '14')$$,
              $$VALUES ('X_BIG', '14'), ('X_OVER', '14')$$,
              'an exemption added after watch() exempts the next write (the row rule''s period, and period '''' of a hit without one)');

-- The plans: no SubPlan (a subquery run per hit) scans cleangov.rule_exemption;
-- an anti-join does.  subplans(): the SubPlan nodes whose subtree scans it;
-- antijoins(): the anti-joins whose subtree does (strict: in lax mode .**
-- unwraps the arrays of Plans and visits nodes twice).
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE p jsonb;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON, COSTS OFF) ' || q INTO p;
  RETURN p;
END $$;
CREATE FUNCTION pg_temp.subplans(q text) RETURNS int LANGUAGE sql AS $$
  SELECT count(*)::int FROM jsonb_path_query(pg_temp.plan_of(q), 'strict $.** ? (@."Parent Relationship" == "SubPlan")') n
   WHERE jsonb_path_exists(n, 'strict $.** ? (@."Relation Name" == "rule_exemption")') $$;
CREATE FUNCTION pg_temp.antijoins(q text) RETURNS int LANGUAGE sql AS $$
  SELECT count(*)::int FROM jsonb_path_query(pg_temp.plan_of(q), 'strict $.** ? (@."Join Type" == "Anti")') n
   WHERE jsonb_path_exists(n, 'strict $.** ? (@."Relation Name" == "rule_exemption")') $$;
-- the plan walk itself: a per-hit subquery is seen as one
SELECT is(pg_temp.subplans($$SELECT * FROM x.orders o WHERE CASE WHEN o.no > 0 THEN NOT EXISTS
            (SELECT FROM cleangov.rule_exemption e WHERE e.subject_key = o.no::text) END$$), 1,
          'the plan walk finds a SubPlan over rule_exemption where there is one');

SELECT is(pg_temp.subplans(cleangov.rule_sql('X_SUM')), 0, 'rule_sql() of a set rule: no SubPlan over rule_exemption');
SELECT is(pg_temp.antijoins(cleangov.rule_sql('X_SUM')), 1, 'rule_sql() of a set rule: one anti-join against rule_exemption');
SELECT is(pg_temp.subplans(cleangov.rule_sql('X_RUN')), 0, 'rule_sql() of a streak rule: no SubPlan over rule_exemption');
SELECT is(pg_temp.antijoins(cleangov.rule_sql('X_RUN')), 1, 'rule_sql() of a streak rule: one anti-join against rule_exemption');
SELECT is(pg_temp.subplans(cleangov.rule_sql('X_BIG')), 0, 'rule_sql() of a row rule (run()): no SubPlan over rule_exemption');

-- The watch function's one-pass query of the row rules, planned over a
-- stand-in for the transition table: one row (a single-row INSERT) and many.
CREATE TEMP TABLE onepass AS
SELECT split_part(split_part(p.prosrc, E'INTO hits FROM (\n', 2), E'\n      ) q;', 1) AS q
  FROM cleangov.watched w JOIN pg_proc p ON p.proname ~ ('^' || w.function || '_[0-9]+$')
 WHERE w.source = 'x.orders'::regclass;
SELECT is((SELECT count(*)::int FROM onepass WHERE q ~ '^\s*SELECT h FROM .* CROSS JOIN LATERAL unnest'), 1,
          'the generated watch function has its one-pass query');
SELECT ok((SELECT q ~ 'CASE h\.rule_code WHEN ''X_OWN'' THEN NOT coalesce' AND q !~ 'WHEN ''X_BIG'' THEN' FROM onepass),
          'the one-pass query keeps a CASE only for the definitions'' own exemptions');
CREATE TEMP TABLE cleangov_new (LIKE x.orders);
INSERT INTO cleangov_new VALUES (1, 'b', 's1', 1200, 1200, 'u', '2024-01-15');
ANALYZE cleangov_new;
SELECT is(pg_temp.subplans((SELECT q FROM onepass)), 0, 'watch one-pass query, one row: no SubPlan over rule_exemption');
SELECT is(pg_temp.antijoins((SELECT q FROM onepass)), 1, 'watch one-pass query, one row: one anti-join against rule_exemption');
INSERT INTO cleangov_new SELECT i, 'b', 's' || (i % 300), 1000 + i % 700, 1000, 'u', date '2024-01-01' + i % 90 FROM generate_series(2, 20000) i;
ANALYZE cleangov_new;
SELECT is(pg_temp.subplans((SELECT q FROM onepass)), 0, 'watch one-pass query, 20,000 rows: no SubPlan over rule_exemption');
SELECT is(pg_temp.antijoins((SELECT q FROM onepass)), 1, 'watch one-pass query, 20,000 rows: one anti-join against rule_exemption');
-- and over the table's rows it gives the hits of run()'s queries of the three row rules
TRUNCATE cleangov_new;
INSERT INTO cleangov_new SELECT * FROM x.orders;
ANALYZE cleangov_new;
SELECT set_eq($$SELECT (q.h).rule_code, (q.h).subject_key, (q.h).period FROM ($$ || (SELECT q FROM onepass) || $$) q$$,
              $$SELECT (h).rule_code, (h).subject_key, (h).period FROM ($$ || cleangov.rule_sql('X_BIG') || $$) a
                UNION ALL SELECT (h).rule_code, (h).subject_key, (h).period FROM ($$ || cleangov.rule_sql('X_OVER') || $$) b
                UNION ALL SELECT (h).rule_code, (h).subject_key, (h).period FROM ($$ || cleangov.rule_sql('X_OWN') || $$) c$$,
              'the one-pass query over the table''s rows gives the hits of rule_sql() of each row rule');
SELECT * FROM finish();
ROLLBACK;
