-- No silent wrong answer from a number or a period: NaN and infinities are
-- refused (22003) where a number enters (raise_alert(s), index_normalize,
-- index_tree) and set apart, visibly, from a rule's hits (raise_rule_hits:
-- the rule goes on and is not quarantined), impossible periods are refused (22007), and
-- floats in evidence are rounded to 12 significant digits (round_sig).
BEGIN;
SELECT plan(54);
SET client_min_messages = error;

-- ---- round_sig --------------------------------------------------------------
SELECT is(cleangov.round_sig(0.1::float8 + 0.2::float8), 0.3::float8, '0.1 + 0.2 rounds to 0.3');
SELECT is(cleangov.round_sig(0.1::float8 + 0.2::float8)::text, '0.3', 'and prints as 0.3');
SELECT is(cleangov.round_sig(123456789.123456789::float8), 123456789.123::float8, '12 significant digits by default');
SELECT is(cleangov.round_sig(-0.000123456789012345::float8, 3), -0.000123::float8, 'negative and small, 3 digits');
SELECT is(cleangov.round_sig(1000::float8, 1), 1000::float8, 'an exact power of ten stays itself');
SELECT is(cleangov.round_sig(9.99999999999999::float8, 3), 10::float8, 'rounding up crosses a power of ten');
SELECT is(cleangov.round_sig(1e300::float8 * 1.23456789012345), 1.23456789012e300::float8, 'large');
SELECT is(cleangov.round_sig(4.9e-324::float8), 4.94065645841e-324::float8, 'the smallest subnormal');
SELECT is(cleangov.round_sig('-0'::float8)::text, '0', '-0 is 0');
SELECT is(cleangov.round_sig(ARRAY[0.1::float8 + 0.2::float8, NULL, 2]), ARRAY[0.3::float8, NULL, 2], 'arrays, NULL elements kept');
SELECT throws_ok($$SELECT cleangov.round_sig('NaN'::float8)$$, '22003', NULL, 'round_sig(NaN): 22003');
SELECT throws_ok($$SELECT cleangov.round_sig('-Infinity'::float8)$$, '22003', NULL, 'round_sig(-Infinity): 22003');
SELECT throws_ok($$SELECT cleangov.round_sig(1, 16)$$, '22023', NULL, 'more than 15 digits: 22023');

SELECT throws_ok($$SELECT cleangov.raise_error('22007', 'bad period', 'hint', 0)$$, '22007', 'bad period', 'raise_error raises the data exception asked');
SELECT throws_ok($$SELECT cleangov.raise_error('XX000', 'forged', NULL, 0)$$, '22023', NULL, 'but no SQLSTATE outside class 22');
SELECT throws_ok($$SELECT cleangov.raise_error(NULL, 'x', NULL, 0)$$, '22023', NULL, 'nor a NULL one');

-- ---- raise_alert(s) -----------------------------------------------------------
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, default_level)
VALUES ('T_NUM', 'numbers', '数字', 'funds', 'unit', 'yellow');
SELECT throws_ok($$SELECT cleangov.raise_alert('T_NUM', 'unit', 'u', NULL, '', 'NaN')$$, '22003',
                 'hit 1 of rule "T_NUM" (subject u) has a non-finite value: NaN', 'raise_alert with a NaN value: 22003');
SELECT throws_ok($$SELECT cleangov.raise_alert('T_NUM', 'unit', 'u', NULL, '', 'Infinity')$$, '22003', NULL,
                 'raise_alert with an infinite value: 22003');
SELECT throws_ok($$SELECT cleangov.raise_alert('T_NUM', 'unit', 'u', NULL, '', 1, '-Infinity')$$, '22003',
                 'hit 1 of rule "T_NUM" (subject u) has a non-finite threshold: -Infinity', 'raise_alert with an infinite threshold: 22003');
SELECT throws_ok($$SELECT cleangov.raise_alerts(ARRAY[ROW('T_NUM','unit','ok',NULL,'',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
                                                      ROW('T_NUM','unit','bad',NULL,'','NaN',1,NULL,NULL,NULL,NULL)::cleangov.hit])$$,
                 '22003', 'hit 2 of rule "T_NUM" (subject bad) has a non-finite value: NaN', 'raise_alerts names the bad hit');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'T_NUM'), 0, 'nothing was written');
SELECT isnt(cleangov.raise_alert('T_NUM', 'unit', 'u', NULL, '', 1e308, -1e308), NULL, 'the largest finite numbers are accepted');

-- ---- hits of rules: a NaN price is set apart, visibly; the rule goes on ------
SELECT results_eq($$SELECT action FROM cleangov.raise_rule_hits(ARRAY[
                      ROW('T_NUM','unit','fine',NULL,'',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
                      ROW('T_NUM','unit','inf',NULL,'',1,'-Infinity',NULL,NULL,NULL,NULL)::cleangov.hit], 'run')$$,
                  $$VALUES ('raised'), ('rejected')$$, 'raise_rule_hits raises the finite hit and sets the other apart');
SELECT results_eq($$SELECT subject_key, value, threshold, sqlstate, reason, context FROM cleangov.rejected_hit$$,
                  $$VALUES ('inf', '1', '-Infinity', '22003', 'non-finite threshold', 'run')$$, 'the rejected hit is kept');
SELECT throws_ok($$SELECT cleangov.raise_rule_hits('{}', 'cron')$$, '22023', NULL, 'raise_rule_hits: an unknown context is refused');
SELECT ok(NOT has_function_privilege('public', 'cleangov.raise_rule_hits(cleangov.hit[], text)', 'EXECUTE'),
          'PUBLIC may not execute raise_rule_hits');
DELETE FROM cleangov.rejected_hit;

CREATE SCHEMA lib;
CREATE TABLE lib.contract (cid text, buyer text, supplier text, amount numeric, market numeric);
INSERT INTO lib.contract VALUES ('K1', 'B1', 'S1', 'NaN', 100), ('K2', 'B1', 'S1', 150, 100);
SELECT cleangov.bind('contract', 'lib.contract', '{"contract_id": "cid", "buyer_id": "buyer", "supplier_id": "supplier", "market_price": "market"}');
SELECT results_eq($$SELECT status, hits, raised, rejected, message FROM cleangov.run('PROC_PRICE_OVER_MARKET')$$,
                  $$VALUES ('ok', 2, 1, 1, '1 hit(s) with a NaN or infinite number not raised (cleangov.rejected_hit)')$$,
                  'run(): a NaN contract price is set apart and counted, the other breach is raised');
SELECT results_eq($$SELECT rule_code, subject_key, value, sqlstate, reason, context, rejected_by = current_user FROM cleangov.rejected_hit$$,
                  $$VALUES ('PROC_PRICE_OVER_MARKET', 'K1', 'NaN', '22003', 'non-finite value', 'run', true)$$,
                  'the NaN hit is in cleangov.rejected_hit');
SELECT results_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET'$$,
                  $$VALUES ('K2')$$, 'no alert with value NaN; the other row''s alert is raised');
SELECT is((SELECT count(*)::int FROM cleangov.rule_failure), 0, 'the rule did not fail');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'and is not quarantined');

-- The same through the watch trigger, written by a role with no cleangov right.
CREATE ROLE nh_writer;
GRANT USAGE ON SCHEMA lib TO nh_writer;
GRANT INSERT ON lib.contract TO nh_writer;
SELECT cleangov.watch('lib.contract');
SET LOCAL ROLE nh_writer;
SELECT lives_ok($$INSERT INTO lib.contract VALUES ('K3', 'B1', 'S1', 'Infinity', 100), ('K4', 'B1', 'S1', 'NaN', 100),
                                                  ('K5', 'B1', 'S1', 300, 100)$$,
                'a writer without cleangov rights inserts NaN and infinite prices with a breaching row');
RESET ROLE;
SELECT results_eq($$SELECT subject_key, value, context, rejected_by = 'nh_writer' FROM cleangov.rejected_hit
                     WHERE rule_code = 'PROC_PRICE_OVER_MARKET' AND context = 'watch' ORDER BY subject_key$$,
                  $$VALUES ('K3', 'Infinity', 'watch', true), ('K4', 'NaN', 'watch', true)$$,
                  'the watch trigger sets the two hits apart, naming the writer');
SELECT results_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET' ORDER BY subject_key$$,
                  $$VALUES ('K2'), ('K5')$$, 'the breaching row of the same statement is alerted');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'no rule is quarantined');
INSERT INTO lib.contract VALUES ('K6', 'B1', 'S1', 400, 100);
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET' AND subject_key = 'K6'), 1,
          'and later breaches are alerted');
UPDATE lib.contract SET amount = 200 WHERE cid IN ('K1', 'K3', 'K4');
SELECT results_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET' ORDER BY subject_key$$,
                  $$VALUES ('K1'), ('K2'), ('K3'), ('K4'), ('K5'), ('K6')$$, 'corrected, the rows are alerted');

-- ---- index_normalize and index_tree ----------------------------------------
SELECT throws_ok($$SELECT cleangov.index_normalize('NaN', 'bounds', 'safer', 0, 100, NULL)$$, '22003',
                 'index_normalize: not every number is finite (value NaN, worst 0, best 100, target NULL)', 'index_normalize(NaN): 22003, not 100');
SELECT throws_ok($$SELECT cleangov.index_normalize('Infinity', 'target', 'riskier', NULL, NULL, 5)$$, '22003', NULL,
                 'index_normalize(Infinity): 22003');
SELECT throws_ok($$SELECT cleangov.index_normalize(5, 'bounds', 'safer', 0, 'Infinity', NULL)$$, '22003', NULL,
                 'an infinite bound: 22003');
SELECT throws_ok($$SELECT cleangov.index_normalize(5, 'target', 'safer', NULL, NULL, 'NaN')$$, '22003', NULL,
                 'a NaN target: 22003');
SELECT is(cleangov.index_normalize(50, 'bounds', 'safer', 0, 200, NULL), 25::float8, 'finite values as before');
SELECT is((cleangov.index_tree('{0,0}', '{1e308,1e308}', '{50,100}')).composite, 75::float8,
          'index_tree: weights whose sum overflows give the composite of their ratios, not NaN');
SELECT is(cleangov.round_sig((cleangov.index_tree('{0,1,1}', '{1e300,1.7e308,0.85e308}', '{10,40}')).scores),
          '{20,10,40}'::float8[], 'and the scores of their ratios');
SELECT throws_ok($$SELECT cleangov.index_tree('{0,0}', '{1e308,1e-300}', '{50,100}')$$, '22003', NULL,
                 'weights more than the float8 range apart: 22003');

-- ---- periods ----------------------------------------------------------------
SELECT is(cleangov.period_ordinal('2024-12', 'month') + 1, cleangov.period_ordinal('2025-01', 'month'), 'December to January is one step');
SELECT throws_ok($$SELECT cleangov.period_ordinal('2024-13', 'month')$$, '22007', 'period "2024-13" is not a real month',
                 'month 13: 22007, not January of the next year');
SELECT throws_ok($$SELECT cleangov.period_ordinal('2024-00', 'month')$$, '22007', NULL, 'month 00: 22007');
SELECT throws_ok($$SELECT cleangov.period_ordinal('2024-02-30', 'day')$$, '22007', NULL, '30 February: 22007');
SELECT throws_ok($$SELECT cleangov.period_ordinal('2023-02-29', 'day')$$, '22007', NULL, '29 February of a common year: 22007');
SELECT is(cleangov.period_ordinal('2024-02-29', 'day') + 1, cleangov.period_ordinal('2024-03-01', 'day'), 'a leap day is a day');
SELECT is(cleangov.period_ordinal('Q3', 'month'), NULL, 'text not of the form: NULL (joins no streak)');
SELECT is(cleangov.period_kind('0000'), NULL, 'period_kind: there is no year 0000');
SELECT is(cleangov.period_range('0000'), NULL, 'period_range(0000): NULL, not an error from make_date');

SELECT * FROM finish();
ROLLBACK;
