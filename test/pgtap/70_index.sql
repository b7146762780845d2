-- Integrity index: every refusal at definition time by SQLSTATE, replacement
-- of a period, the person -> unit rules, warnings through the loop.
BEGIN;
SELECT plan(42);

INSERT INTO cleangov.unit (unit_code, name, name_zh, region_code) VALUES ('U1', 'one', '一', 'R1'), ('U2', 'two', '二', 'R2');
INSERT INTO cleangov.index_person (person_key, unit_code) VALUES ('p1', 'U1'), ('p2', 'U1'), ('p3', 'U2');
INSERT INTO cleangov.index_framework (framework_code, name) VALUES ('F', 'test');
INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name) VALUES ('F', 'A', NULL, 'A');
INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, higher_is, worst, best, valid_min, valid_max)
VALUES ('F', 'A1', 'A', 'A1', 'bounds', 'riskier', 10, 0, 0, 100),
       ('F', 'A2', 'A', 'A2', 'bounds', 'safer', 0, 100, 0, 100);

-- weights
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, weight, method, worst, best)
                   VALUES ('F', 'X', 'A', 'X', -1, 'bounds', 1, 0)$$, '22023', NULL, 'a negative weight is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, weight, method, worst, best)
                   VALUES ('F', 'X', 'A', 'X', 'NaN', 'bounds', 1, 0)$$, '22023', NULL, 'a NaN weight is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, weight, method, worst, best)
                   VALUES ('F', 'X', 'A', 'X', 0, 'bounds', 1, 0)$$, '22023', NULL, 'a zero weight is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, weight, method, worst, best)
                   VALUES ('F', 'X', 'A', 'X', 'Infinity', 'bounds', 1, 0)$$, '22023', NULL, 'an infinite weight is refused');
-- normalisation bounds
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 1)$$, '23502', 'indicator X has no normalisation bounds',
                 'bounds without best are refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method)
                   VALUES ('F', 'X', 'A', 'X', 'target')$$, '23502', NULL, 'target without a target is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, best)
                   VALUES ('F', 'X', 'A', 'X', 'robust_z', 0)$$, '23502', NULL, 'robust_z without worst is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 0, 10)$$, '22023', NULL,
                 'bounds contradicting the direction (higher riskier, worst < best) are refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 'NaN', 0)$$, '22023', NULL, 'a NaN bound is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, target)
                   VALUES ('F', 'X', 'A', 'X', 'target', -5)$$, '22023', NULL, 'a negative target is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, valid_min, valid_max)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 1, 0, 5, 1)$$, '22023', NULL, 'an empty sensible range is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, subject_kinds)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 1, 0, '{}')$$, '22023', NULL, 'no subject kind is refused');
SELECT lives_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, period_kind)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 1, 0, 'year')$$, 'the framework''s own period kind is accepted');
SELECT lives_ok($$DELETE FROM cleangov.indicator WHERE framework_code = 'F' AND indicator_code = 'X'$$, 'clean up');
UPDATE cleangov.index_framework SET period_kind = 'month' WHERE framework_code = 'F';
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, period_kind)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 1, 0, 'year')$$, '22023', NULL,
                 'a period kind coarser than the framework''s is refused');
UPDATE cleangov.index_framework SET period_kind = 'year' WHERE framework_code = 'F';
-- the hierarchy
SELECT throws_ok($$UPDATE cleangov.indicator SET parent_code = 'A1' WHERE framework_code = 'F' AND indicator_code = 'A'$$,
                 '42P17', NULL, 'a cycle (A under its own child) is refused');
SELECT throws_ok($$UPDATE cleangov.indicator SET parent_code = 'A' WHERE framework_code = 'F' AND indicator_code = 'A'$$,
                 '42P17', NULL, 'an indicator as its own parent is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name) VALUES ('F', 'Y', 'NOPE', 'Y')$$,
                 '23503', NULL, 'an unknown parent is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, subject_kinds)
                   VALUES ('F', 'X', 'A', 'X', 'bounds', 1, 0, '{enterprise}')$$, '22023', NULL,
                 'a child applying to a kind its parent does not is refused');
-- SQL-defined indicators are planned when defined
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, source_query)
                   VALUES ('F', 'Q', 'A', 'Q', 'bounds', 1, 0, 'SELECT FROM')$$, '42601', NULL, 'a query with a syntax error is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, source_query)
                   VALUES ('F', 'Q', 'A', 'Q', 'bounds', 1, 0, 'SELECT * FROM no_such_table')$$, '42P01', NULL, 'a query over a missing table is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, source_query)
                   VALUES ('F', 'Q', 'A', 'Q', 'bounds', 1, 0, 'SELECT 1 AS x')$$, '42703', NULL, 'a query without the three columns is refused');
SELECT lives_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best, source_query)
                   VALUES ('F', 'Q', 'A', 'Q', 'bounds', 4, 0, $q$SELECT 'unit' AS subject_kind, unit_code AS subject_key, count(*) AS value
                     FROM cleangov.alert WHERE period = $1 AND rule_code NOT LIKE 'IDX%' AND unit_code IS NOT NULL GROUP BY unit_code$q$)$$,
                'a query over cleangov.alert is accepted');

-- values, checked per statement
SELECT throws_ok($$INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
                   VALUES ('F', 'A1', '2024', 'person', 'p1', 101)$$, '22003', NULL, 'a value above the sensible range is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
                   VALUES ('F', 'A1', '2024', 'person', 'p1', 'NaN')$$, '22003', NULL, 'a NaN value is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
                   VALUES ('F', 'A', '2024', 'person', 'p1', 1)$$, '22023', NULL, 'a value for an inner indicator is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
                   VALUES ('F', 'A1', '2024-03', 'person', 'p1', 1)$$, '22007', NULL, 'a month for a yearly indicator is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
                   VALUES ('F', 'A1', '2024', 'person', 'nobody', 1)$$, '23503', NULL, 'an unknown person is refused');
SELECT throws_ok($$INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
                   VALUES ('F', 'ZZ', '2024', 'person', 'p1', 1)$$, '23503', NULL, 'an unknown indicator is refused');
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value) VALUES
  ('F', 'A1', '2024', 'person', 'p1', 5), ('F', 'A1', '2024', 'person', 'p2', 0), ('F', 'A1', '2024', 'person', 'p3', 10),
  ('F', 'A2', '2024', 'person', 'p1', 100);
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, method, worst, best)
                   VALUES ('F', 'X', 'A1', 'X', 'bounds', 1, 0)$$, '22023', NULL, 'a leaf with values cannot get children');
SELECT throws_ok($$SELECT * FROM cleangov.index_compute('NOPE', '2024')$$, '42704', NULL, 'an unknown framework is refused');
SELECT throws_ok($$SELECT * FROM cleangov.index_compute('F', '2024-01')$$, '22007', NULL, 'a period of the wrong kind is refused');

-- compute with warnings: p1 = (50 + 100)/2 = 75 red, p2 = 100 green, p3 = 0 red;
-- U1 = mean(75, 100) = 87.5 yellow, U2 = 0 red (Q gives nothing: no alerts yet)
SELECT is((SELECT array_agg(level::text || ':' || subjects ORDER BY subject_kind, level)
             FROM cleangov.index_compute('F', '2024')),
          '{green:1,red:2,yellow:1,red:1}', 'persons and units per level');
SELECT is((SELECT array_agg(subject_key || '=' || a.level ORDER BY subject_key) FROM cleangov.alert a
            WHERE rule_code IN ('IDX_UNIT_BAND', 'IDX_PERSON_BAND')),
          '{U1=yellow,U2=red,p1=red,p3=red}', 'blue or worse is warned, at its level');
SELECT is((SELECT unit_code FROM cleangov.alert WHERE rule_code = 'IDX_PERSON_BAND' AND subject_key = 'p3'),
          'U2', 'a person''s alert is routed to the person''s unit');
SELECT is((SELECT evidence -> 'took_off' -> 0 ->> 'indicator' FROM cleangov.alert
            WHERE rule_code = 'IDX_PERSON_BAND' AND subject_key = 'p1'),
          'A1', 'the evidence names the leaf that took most points off');
SELECT is((SELECT (evidence ->> 'composite')::numeric FROM cleangov.alert
            WHERE rule_code = 'IDX_UNIT_BAND' AND subject_key = 'U1'), 87.50, 'the evidence carries the composite');

-- alerts feed the index: an alert of another rule for U2 gives Q = 1 -> 75 at U2's own A
INSERT INTO cleangov.rule (rule_code, name_en, domain) VALUES ('T_RULE', 'test rule', 'funds');
SELECT cleangov.raise_alert('T_RULE', 'unit', 'U2', 'U2', '2024');
-- re-running the period replaces it: same rows count, one run per kind
UPDATE cleangov.index_framework SET person_rule = 'worst' WHERE framework_code = 'F';
SELECT is((SELECT array_agg(subject_kind || ' ' || level || ' ' || subjects ORDER BY subject_kind, level) FROM cleangov.index_compute('F', '2024', false)),
          '{"person green 1","person red 2","unit red 2"}', 're-running with the worst-person rule: both units red');
SELECT is((SELECT count(*)::int FROM cleangov.index_score WHERE framework_code = 'F'), 5, 'no duplicates after re-running');
SELECT is((SELECT round(composite::numeric, 4) FROM cleangov.index_score WHERE subject_key = 'U1'), 75.0000,
          'worst person rule: U1 takes p1''s 75');
SELECT is((SELECT round(composite::numeric, 4) FROM cleangov.index_score WHERE subject_key = 'U2'), 37.5000,
          'U2: own A (Q = 1 alert -> 75) half, worst person p3 (0) half');
SELECT is((SELECT value FROM cleangov.indicator_value WHERE indicator_code = 'Q' AND subject_key = 'U2'), 1::float8,
          'the SQL-defined indicator stored what its query gave');

SELECT * FROM finish();
ROLLBACK;
