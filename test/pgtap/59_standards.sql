-- Tiered standards (issue 17 part 7, doc/standards.md): the province sets the
-- standard, the city picks its focus, the county executes.  A standard
-- overrides a rule's thresholds, scheme, enabled state and days in a unit's
-- subtree or a region; the most specific applies, whole; batch and real time
-- give the same alerts; evidence names the standard; changes are audited;
-- standard_deviation shows where a tier departs from the one above.
BEGIN;
SELECT plan(30);
SET client_min_messages = warning;

-- province P (320000) > city C (320300) > counties K1 (320382) and K2
-- (320381); a unit U9 of another province (330000) with no standard.
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, region_code) VALUES
 ('P', NULL, 'province', '省', '320000'), ('C', 'P', 'city', '市', '320300'),
 ('K1', 'C', 'county 1', '县一', '320382'), ('K2', 'C', 'county 2', '县二', '320381'),
 ('K2D', 'K2', 'a bureau of county 2', '县二某局', '320381'), ('U9', NULL, 'elsewhere', '外省', '330000');
CREATE SCHEMA ts;
CREATE TABLE ts.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, unit text);
SELECT cleangov.bind('contract', 'ts.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "unit_code": "unit"}');
UPDATE cleangov.rule SET enabled = false WHERE domain <> 'tstest';
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level, scheme_code, rectify_days) VALUES
 ('TS_BIG', 'big contract', '大额合同', 'tstest', 'contract', '{"limit": 1000}', 'blue', NULL, 30),
 ('TS_SUM', 'supplier total', '供应商合计', 'tstest', 'enterprise', '{"limit": 1500}', 'blue', NULL, 30),
 ('TS_OFF', 'disabled in the province', '省内未启用', 'tstest', 'contract', '{"limit": 100}', 'blue', NULL, 30);
UPDATE cleangov.rule SET enabled = false WHERE rule_code = 'TS_OFF';
-- a banded rule: the province's cut-offs 1000 / 2000, county 1's 100 / 200 / 300
-- with a level more (yellow, orange)
INSERT INTO cleangov.band_scheme (scheme_code, name_en, name_zh, high_is_bad, cutoffs, levels) VALUES
 ('ts_a', 'province cut-offs', '省级分档', true, '{1000,2000}', '{green,blue,red}'),
 ('ts_b', 'county cut-offs', '县级分档', true, '{100,200,300}', '{green,yellow,orange,red}');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, default_level, scheme_code) VALUES
 ('TS_BAND', 'banded amount', '分档金额', 'tstest', 'contract', 'blue', 'ts_a');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('TS_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit'),
 ('TS_OFF', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit'),
 ('TS_BAND', 'row', 'contract', 'r.amount > 0', 'r.amount', NULL);
INSERT INTO cleangov.rule_definition (rule_code, kind, query) VALUES ('TS_SUM', 'set',
  'SELECT supplier_id AS subject_key, min(unit_code) AS unit_code, '''' AS period, sum(amount) AS value,
          ''{}''::jsonb AS evidence FROM cleangov_bound.contract GROUP BY supplier_id HAVING sum(amount) > {limit}');

-- ---- writing standards --------------------------------------------------------
SELECT throws_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, thresholds) VALUES ('x', 'TS_BIG', '320000', '{"limt": 5}')$$,
                 '22023', NULL, 'a threshold the rule does not have: 22023');
SELECT throws_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, thresholds) VALUES ('x', 'TS_BIG', '320000', '{"limit": "5"}')$$,
                 '42804', NULL, 'a threshold of another JSON type: 42804');
SELECT throws_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, unit_code, region_code) VALUES ('x', 'TS_BIG', 'C', '320300')$$,
                 '23514', NULL, 'a unit and a region at once: 23514');
SELECT throws_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, scheme_code) VALUES ('x', 'TS_BIG', '320000', 'index3')$$,
                 '22023', NULL, 'a scheme for a rule with a fixed level: 22023');
SELECT throws_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code) VALUES ('x''; DROP TABLE ts.orders; --', 'TS_BIG', '320000')$$,
                 '23514', NULL, 'a standard code outside its form: 23514');
-- the province lowers the limit, the city raises it for its units, county 2
-- switches the rule off; TS_OFF is switched on for county 1 only
INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, thresholds, note) VALUES
 ('JS', 'TS_BIG', '320000', '{"limit": 500}', 'province standard');
INSERT INTO cleangov.rule_standard (standard_code, rule_code, unit_code, thresholds, rectify_days) VALUES
 ('XZ', 'TS_BIG', 'C', '{"limit": 2000}', 10);
INSERT INTO cleangov.rule_standard (standard_code, rule_code, unit_code, enabled) VALUES
 ('K2OFF', 'TS_BIG', 'K2', false), ('K1ON', 'TS_OFF', 'K1', true);
INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, thresholds) VALUES
 ('SUMJS', 'TS_SUM', '320000', '{"limit": 900}');
INSERT INTO cleangov.rule_standard (standard_code, rule_code, unit_code, scheme_code) VALUES ('K1BAND', 'TS_BAND', 'K1', 'ts_b');

SELECT is((SELECT standard_code FROM cleangov.rule_standard_for('TS_BIG', 'K1')), 'XZ', 'a unit scope above the unit beats a region scope');
SELECT is((SELECT standard_code FROM cleangov.rule_standard_for('TS_BIG', 'K2D')), 'K2OFF', 'the nearest unit scope wins');
SELECT is((SELECT standard_code FROM cleangov.rule_standard_for('TS_BIG', 'P')), 'JS', 'the province unit: its region''s standard');
SELECT is((SELECT standard_code FROM cleangov.rule_standard_for('TS_BIG', 'U9')), NULL, 'another province: no standard');
SELECT ok(cleangov.region_contains('320000', '320382') AND cleangov.region_contains('320300', '320382')
          AND NOT cleangov.region_contains('320300', '320481') AND NOT cleangov.region_contains('32', '320382'),
          'regions contain the GB/T 2260 codes under them, and only those');

-- ---- batch ----------------------------------------------------------------------
-- order 1: 700 in the province (over 500); 2: 1500 in county 1 (under the
-- city's 2000); 3: 2500 in county 1 (over 2000); 4: 5000 in county 2's bureau
-- (switched off); 5: 700 elsewhere (under the rule's 1000); 6: 1600 elsewhere
INSERT INTO ts.orders VALUES (1, 'b', 's1', 700, 'P'), (2, 'b', 's2', 1500, 'K1'), (3, 'b', 's3', 2500, 'K1'),
                             (4, 'b', 's4', 5000, 'K2D'), (5, 'b', 's5', 700, 'U9'), (6, 'b', 's6', 1600, 'U9');
SELECT lives_ok($$SELECT cleangov.run()$$, 'run() evaluates the tiers');
SELECT set_eq($$SELECT subject_key, evidence ->> 'standard', threshold FROM cleangov.alert WHERE rule_code = 'TS_BIG'$$,
              $$VALUES ('1', 'JS', 500::float8), ('3', 'XZ', 2000), ('6', NULL, 1000)$$,
              'each hit is judged by the standard of its unit, which its evidence names (and the threshold it used)');
SELECT is((SELECT due_at - raised_at FROM cleangov.alert WHERE rule_code = 'TS_BIG' AND subject_key = '3'), interval '10 days',
          'the city''s rectification days apply in its county');
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'TS_OFF'$$, $$VALUES ('2'), ('3')$$,
              'a rule disabled by the rule runs where a standard enables it, and only there');
SELECT set_eq($$SELECT subject_key, level::text, evidence ->> 'standard' FROM cleangov.alert WHERE rule_code = 'TS_BAND'$$,
              $$VALUES ('2', 'red', 'K1BAND'), ('3', 'red', 'K1BAND'), ('4', 'red', NULL), ('6', 'blue', NULL)$$,
              'a standard''s cut-offs band the hits of its scope (1500 red in county 1, green and dropped at 700 in the province)');
SELECT set_eq($$SELECT subject_key, evidence ->> 'standard' FROM cleangov.alert WHERE rule_code = 'TS_SUM'$$,
              $$VALUES ('s2', 'SUMJS'), ('s3', 'SUMJS'), ('s4', 'SUMJS'), ('s6', NULL)$$,
              'a set rule is judged by tiers too (s1 at 700 is under the province''s 900, s5 at 700 under the rule''s 1500)');

-- ---- real time: the same verdicts inside the writing transaction ------------------
SELECT cleangov.watch('ts.orders');
INSERT INTO ts.orders VALUES (11, 'b', 's11', 700, 'P'), (12, 'b', 's12', 1500, 'K1'), (13, 'b', 's13', 2500, 'K1'),
                             (14, 'b', 's14', 5000, 'K2D'), (15, 'b', 's15', 700, 'U9'), (16, 'b', 's16', 1600, 'U9');
SELECT set_eq($$SELECT subject_key, evidence ->> 'standard' FROM cleangov.alert WHERE rule_code = 'TS_BIG' AND subject_key::int > 10$$,
              $$VALUES ('11', 'JS'), ('13', 'XZ'), ('16', NULL)$$, 'the watch trigger applies the same tiers');
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'TS_OFF' AND subject_key::int > 10$$, $$VALUES ('12'), ('13')$$,
              'and the same enabled state');

-- ---- audit and deviations -------------------------------------------------------------
UPDATE cleangov.rule_standard SET thresholds = '{"limit": 3000}' WHERE standard_code = 'XZ';
SELECT is((SELECT array_agg(operation ORDER BY history_id) FROM cleangov.rule_standard_history WHERE standard_code = 'XZ'),
          '{INSERT,UPDATE}', 'every change of a standard is in its history');
SELECT is((SELECT new_row -> 'thresholds' FROM cleangov.rule_standard_history WHERE standard_code = 'XZ' AND operation = 'UPDATE'),
          '{"limit": 3000}'::jsonb, 'with the new row');
SELECT throws_ok($$DELETE FROM cleangov.rule_standard_history$$, '42501', NULL, 'the history is append-only');
INSERT INTO ts.orders VALUES (17, 'b', 's17', 2500, 'K1');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'TS_BIG' AND subject_key = '17'), 0,
          'a changed standard applies to the next write at once');
SELECT set_eq($$SELECT standard_code, setting, above_value, value, deviates_from FROM cleangov.standard_deviation WHERE rule_code = 'TS_BIG'$$,
              $$VALUES ('JS', 'threshold limit', '1000'::jsonb, '500'::jsonb, NULL::text),
                       ('XZ', 'threshold limit', '500', '3000', 'JS'),
                       ('XZ', 'rectify_days', '30', '10', 'JS'),
                       ('K2OFF', 'enabled', 'true', 'false', 'XZ'),
                       ('K2OFF', 'threshold limit', '3000', '1000', 'XZ'),
                       ('K2OFF', 'rectify_days', '10', '30', 'XZ')$$,
              'standard_deviation: each tier''s departures from the tier above, by the values in force (county 2 sets only enabled: the rule''s limit and days apply there)');

-- ---- escalation follows the standard the alert was raised under -----------------
-- order 18: 150 in county 1 is yellow by county 1's cut-offs (the province's
-- scheme has no yellow: one level up there would be red)
INSERT INTO ts.orders VALUES (18, 'b', 's18', 150, 'K1');
SELECT is((SELECT (level::text, evidence ->> 'standard') FROM cleangov.alert WHERE rule_code = 'TS_BAND' AND subject_key = '18'),
          ('yellow'::text, 'K1BAND'::text), 'county 1''s scheme bands 150 yellow');
SELECT cleangov.escalate_overdue(now() + interval '60 days');
SELECT is((SELECT due_at - (now() + interval '60 days') FROM cleangov.alert WHERE rule_code = 'TS_BIG' AND subject_key = '3'),
          interval '10 days', 'the talk''s new deadline: the city''s rectification days, not the rule''s 30');
SELECT is((SELECT level::text FROM cleangov.alert WHERE rule_code = 'TS_BAND' AND subject_key = '18'),
          'orange', 'one level up within county 1''s scheme (yellow to orange), not the rule''s (to red)');
-- ---- rights ----------------------------------------------------------------------------
CREATE ROLE ts_analyst NOLOGIN IN ROLE cleangov_analyst;
CREATE ROLE ts_admin NOLOGIN IN ROLE cleangov_admin;
SET ROLE ts_analyst;
SELECT throws_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code) VALUES ('A', 'TS_BIG', '320500')$$,
                 '42501', NULL, 'an analyst may not set a standard');
SELECT is((SELECT count(*)::int FROM cleangov.standard_deviation WHERE rule_code = 'TS_BIG'), 6, 'but reads the deviations');
RESET ROLE;
SET ROLE ts_admin;
SELECT lives_ok($$INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, thresholds) VALUES ('SZ', 'TS_BIG', '320500', '{"limit": 800}')$$,
                'an admin sets one');
RESET ROLE;
SELECT is((SELECT changed_by FROM cleangov.rule_standard_history WHERE standard_code = 'SZ'), 'ts_admin'::name,
          'its history names the admin');

SELECT * FROM finish();
ROLLBACK;
