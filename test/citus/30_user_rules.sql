-- A user's own rules on Citus: a row rule, a set rule and a streak rule over
-- a distributed table compile when written (the compile check plans them over
-- the distributed bound view), run() raises the alerts that the same rules
-- give over a plain copy of the table on one node, exemptions and the
-- compile-time errors work as on one node.
BEGIN;
SELECT plan(14);
SET LOCAL client_min_messages = warning;
CREATE SCHEMA u;
SELECT setseed(0.3);
CREATE TABLE u.pay_local AS
SELECT 'p' || i AS pay_no, 'unit' || (i % 40) AS unit, 'office' AS cat,
       round((exp(random() * 11))::numeric, 2) AS amount,
       timestamptz '2024-01-01' + ((i * 7) % 365) * interval '1 day' AS paid,
       'payee' || (i % 97) AS payee
  FROM generate_series(1, 5000) i;
CREATE TABLE u.pay AS SELECT * FROM u.pay_local;
-- The same rules, by hand, over the plain copy.
CREATE TABLE u.want_big AS
SELECT pay_no AS subject_key, amount::float8 AS value FROM u.pay_local WHERE amount > 50000;
CREATE TABLE u.want_payee AS
SELECT payee AS subject_key, sum(amount)::float8 AS value FROM u.pay_local GROUP BY payee HAVING sum(amount) > 200000;
CREATE TABLE u.want_monthly AS
WITH m AS (SELECT unit, date_trunc('month', paid) AS month, sum(amount)::float8 AS value FROM u.pay_local
            GROUP BY 1, 2 HAVING sum(amount) > 40000)
SELECT m.unit AS subject_key, to_char(m.month, 'YYYY-MM') AS period, m.value FROM m
 WHERE EXISTS (SELECT FROM m p WHERE p.unit = m.unit AND p.month = m.month - interval '1 month');
SELECT create_distributed_table('u.pay', 'unit');
SELECT lives_ok($$SELECT cleangov.bind('expense', 'u.pay', '{"expense_id": "pay_no", "unit_code": "unit", "category": "cat",
                                       "paid_at": "paid", "payee_id": "payee"}')$$,
                'a distributed table binds');

INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('U_BIG', 'big payment', '大额支出', 'test', 'expense', '{"limit": 50000}', 'yellow'),
 ('U_PAYEE', 'payee concentration', '收款人集中', 'test', 'enterprise', '{"limit": 200000}', 'blue'),
 ('U_MONTHLY', 'monthly spend', '月度支出', 'test', 'unit', '{"limit": 40000}', 'red');
SELECT lives_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key)
  VALUES ('U_BIG', 'row', 'expense', 'r.amount > {limit}', 'r.amount', 'limit')$$,
  'a row rule over a distributed table compiles');
SELECT lives_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, query) VALUES ('U_PAYEE', 'set',
  'SELECT payee_id AS subject_key, min(unit_code) AS unit_code, '''' AS period, sum(amount) AS value,
          jsonb_build_object(''payments'', count(*), ''units'', count(DISTINCT unit_code)) AS evidence
     FROM cleangov_bound.expense GROUP BY payee_id HAVING sum(amount) > {limit}')$$,
  'a set rule grouped by a column other than the distribution column compiles');
SELECT lives_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, query, streak_min, streak_step) VALUES ('U_MONTHLY', 'set',
  'SELECT unit_code AS subject_key, unit_code, to_char(paid_at, ''YYYY-MM'') AS period, sum(amount) AS value,
          jsonb_build_object(''payments'', count(*)) AS evidence
     FROM cleangov_bound.expense GROUP BY unit_code, to_char(paid_at, ''YYYY-MM'') HAVING sum(amount) > {limit}', 2, 'month')$$,
  'a streak rule compiles');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET condition = 'r.nope > 1' WHERE rule_code = 'U_BIG'$$,
                 '42703', NULL, 'a condition naming an unknown column is refused when written, as on one node');
-- one payee exempted by a row of cleangov.rule_exemption (a local table on
-- the coordinator, checked against the hits of the distributed query)
INSERT INTO cleangov.rule_exemption (rule_code, subject_key, reason)
SELECT 'U_PAYEE', subject_key, 'framework contract' FROM u.want_payee ORDER BY value DESC, subject_key LIMIT 1;

CREATE TABLE u.ran AS SELECT rule_code, status, hits, raised FROM cleangov.run(domain => 'test');
SELECT is((SELECT string_agg(rule_code || ':' || status, ' ' ORDER BY rule_code) FROM u.ran),
          'U_BIG:ok U_MONTHLY:ok U_PAYEE:ok', 'run() runs the three rules on Citus');

CREATE TABLE u.got AS SELECT rule_code, subject_key, period, value, evidence FROM cleangov.alert WHERE rule_code LIKE 'U\_%';

SELECT cmp_ok((SELECT count(*) FROM u.want_big), '>', 10::bigint, 'the row rule has hits to compare');
SELECT set_eq($$SELECT subject_key, value FROM u.got WHERE rule_code = 'U_BIG'$$,
              $$SELECT subject_key, value FROM u.want_big$$, 'the row rule''s alerts are the single-node ones');
SELECT cmp_ok((SELECT count(*) FROM u.want_payee), '>', 3::bigint, 'the set rule has hits to compare');
SELECT is((SELECT count(*) FROM cleangov.rule_exemption WHERE rule_code = 'U_PAYEE'), 1::bigint, 'one of the set rule''s hits is exempted');
SELECT set_eq($$SELECT subject_key, value FROM u.got WHERE rule_code = 'U_PAYEE'$$,
              $$SELECT subject_key, value FROM u.want_payee WHERE subject_key NOT IN (SELECT subject_key FROM cleangov.rule_exemption)$$,
              'the set rule''s alerts are the single-node ones, the exempted subject left out');
SELECT cmp_ok((SELECT count(*) FROM u.want_monthly), '>', 3::bigint, 'the streak rule has hits to compare');
SELECT set_eq($$SELECT subject_key, period, value FROM u.got WHERE rule_code = 'U_MONTHLY'$$,
              $$SELECT subject_key, period, value FROM u.want_monthly$$,
              'the streak rule''s alerts are the single-node ones (two months running)');
CREATE TABLE u.again AS SELECT sum(raised) AS raised, sum(refreshed) AS refreshed FROM cleangov.run(domain => 'test');
SELECT is((SELECT raised || '/' || refreshed FROM u.again), '0/0', 'a second run raises and refreshes nothing');
SELECT * FROM finish();
ROLLBACK;
