-- Learned models (issue 16): definitions checked when written, training with
-- grouped cross-validation, the evaluation checked against a brute-force
-- computation of the same numbers, scores and contributions recomputed in
-- SQL from the stored coefficients, the review queue, the lower_rate option
-- and its audit events, and the rights of each role.
BEGIN;
SELECT plan(59);
SET client_min_messages = error;

CREATE SCHEMA mt;
-- persons: risk rises with a (strongly) and b (weakly); c is noise; d is
-- missing for a fifth of them.  Labels for 400, 100 unlabelled.
SELECT setseed(0.42);
CREATE TABLE mt.person AS
SELECT i, 'P' || lpad(i::text, 4, '0') AS person_key, 'U' || (i % 4) AS unit_code,
       a, b, c, CASE WHEN i % 5 = 0 THEN NULL ELSE d END AS d,
       CASE WHEN i <= 400 THEN random() < 1 / (1 + exp(-(-0.5 + 2.0 * a + 0.5 * b))) END AS y
  FROM (SELECT i, random() * 2 - 1 AS a, random() * 2 - 1 AS b, random() AS c, random() AS d
          FROM generate_series(1, 500) i) g;
CREATE TABLE mt.secret (x int);
CREATE ROLE mt_admin NOLOGIN IN ROLE cleangov_admin;
CREATE ROLE mt_other NOLOGIN IN ROLE cleangov_admin;
CREATE ROLE mt_analyst NOLOGIN IN ROLE cleangov_analyst;
CREATE ROLE mt_insp NOLOGIN IN ROLE cleangov_inspector;
GRANT USAGE ON SCHEMA mt TO mt_admin, mt_other;
GRANT SELECT ON mt.person TO mt_admin, mt_other;
INSERT INTO cleangov.unit (unit_code, name, name_zh, region_code)
SELECT 'U' || i, 'unit ' || i, '单位' || i, 'R' || (i % 2) FROM generate_series(0, 3) i;
INSERT INTO cleangov.index_person (person_key, unit_code, position) SELECT person_key, unit_code, 'post ' || (i % 3) FROM mt.person;

-- ---- definitions checked when written ---------------------------------------
SET ROLE mt_admin;
SELECT lives_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MP', 'persons', 'person',
  '{"a": "strong signal", "b": "weak signal", "c": "noise", "d": "noise, sometimes missing"}',
  'SELECT person_key AS subject_key, y AS label, a, b, c, d FROM mt.person')$$, 'a model is defined by its admin');
SELECT is((SELECT feature_columns FROM cleangov.model WHERE model_code = 'MP'), '{a,b,c,d}', 'its features are the query''s other columns, in order');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"x": "x"}',
  'SELECT x::text AS subject_key, true AS label, x FROM mt.secret')$$, '42501', NULL, 'a query over a table the owner may not read is refused');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"a": "a"}',
  'SELECT person_key AS subject_key, a FROM mt.person')$$, '42P10', NULL, 'no label column: 42P10');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"a": "a", "u": "u"}',
  'SELECT person_key AS subject_key, y AS label, a, unit_code AS u FROM mt.person')$$, '42804', NULL, 'a text feature: 42804');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"a": "a"}',
  'SELECT person_key AS subject_key, y AS label, a, b FROM mt.person')$$, '22023', NULL, 'an undocumented feature: 22023');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"a": "a", "z": "z"}',
  'SELECT person_key AS subject_key, y AS label, a FROM mt.person')$$, '22023', NULL, 'a documented feature the query does not return: 22023');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"a": "a"}',
  'SELECT person_key AS subject_key, a::float8 AS label, a FROM mt.person')$$, '42804', NULL, 'a float label: 42804');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES ('MX', 'x', 'person', '{"a": "a"}',
  'SELECT person_key AS subject_key, y AS label, a FROM mt.nosuch')$$, '42P01', NULL, 'a query over no table: the planner''s 42P01');
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query, owner) VALUES ('MX', 'x', 'person', '{"a": "a"}',
  'SELECT person_key AS subject_key, y AS label, a FROM mt.person', 'mt_other')$$, '42501', NULL, 'an owner the writer is not a member of: 42501');
RESET ROLE;

-- ---- training ----------------------------------------------------------------
SET ROLE mt_analyst;
SELECT throws_ok($$SELECT cleangov.train_model('MP')$$, '42501', NULL, 'an analyst may not train');
RESET ROLE;
SET ROLE mt_admin;
SELECT throws_ok($$SELECT cleangov.score_model('MP')$$, '55000', NULL, 'scoring an untrained model: 55000');
SELECT throws_ok($$SELECT cleangov.train_model('NOPE')$$, '42704', NULL, 'an unknown model: 42704');
CREATE TEMP TABLE v1 AS SELECT * FROM cleangov.train_model('MP');
SELECT is((SELECT version FROM v1), 1, 'train_model keeps version 1');
SELECT is((SELECT (rows_labelled, positives) FROM v1), (SELECT (count(*)::int, count(*) FILTER (WHERE y)::int) FROM mt.person WHERE y IS NOT NULL),
          'over the labelled rows');
SELECT ok((SELECT converged AND iterations BETWEEN 2 AND 50 FROM v1), 'Newton converged');
SELECT ok((SELECT beta[2] > 0.5 AND beta[2] > 2 * abs(beta[4]) AND beta[3] > 0 FROM v1), 'the strong signal has the largest coefficient, the weak one a positive one');
SELECT ok((SELECT beats_base_rate AND (evaluation ->> 'auc')::float8 > 0.7 FROM v1), 'it beats the base rate (cross-validated AUC above 0.7)');
SELECT is((SELECT (missing ->> 'd')::float8 FROM v1), 0.2::float8, 'the missing share of d is kept');
-- folds hold whole subjects (here one row each): every labelled row scored once out of fold
SELECT is((SELECT count(*)::int FROM pg_temp.cleangov_model_oof), 400, 'every labelled row is scored once out of fold');
SELECT is((SELECT (evaluation ->> 'folds')::int FROM v1), 5, 'five folds');
-- the evaluation against brute force over the same out-of-fold predictions
SELECT is((SELECT round((evaluation ->> 'auc')::numeric, 6) FROM v1),
          (SELECT round(((count(*) FILTER (WHERE p.p > n.p) + 0.5 * count(*) FILTER (WHERE p.p = n.p))::float8 / count(*))::numeric, 6)
             FROM pg_temp.cleangov_model_oof p, pg_temp.cleangov_model_oof n WHERE p.label = 1 AND n.label = 0),
          'AUC equals the share of (positive, negative) pairs ordered right, counted pair by pair');
SELECT is((SELECT round((evaluation ->> 'log_loss')::numeric, 6) FROM v1),
          (SELECT round((-avg(CASE WHEN label = 1 THEN ln(p) ELSE ln(1 - p) END))::numeric, 6) FROM pg_temp.cleangov_model_oof),
          'log loss equals its definition');
SELECT is((SELECT (evaluation ->> 'flagged')::int FROM v1), (SELECT count(*)::int FROM pg_temp.cleangov_model_oof WHERE p >= 0.5),
          'flagged at the cut-off');
SELECT is((SELECT (evaluation ->> 'recall')::numeric FROM v1),
          (SELECT round((count(*) FILTER (WHERE p >= 0.5)::float8 / count(*))::numeric, 6) FROM pg_temp.cleangov_model_oof WHERE label = 1),
          'recall at the cut-off');
SELECT is((SELECT sum((c ->> 'rows')::int)::int FROM v1, jsonb_array_elements(evaluation -> 'calibration') c), 400,
          'the calibration table holds every row');
-- scores: every row of the query, recomputed from the stored coefficients
SELECT is((SELECT count(*)::int FROM cleangov.model_score WHERE model_code = 'MP'), 500, 'every row is scored, labelled or not');
SELECT is((SELECT count(*)::int FROM cleangov.model_score s JOIN mt.person p ON p.person_key = s.subject_key, v1
            WHERE abs(s.probability - 1 / (1 + exp(-(v1.beta[1]
                    + v1.beta[2] * (p.a - v1.mean[1]) / v1.sd[1] + v1.beta[3] * (p.b - v1.mean[2]) / v1.sd[2]
                    + v1.beta[4] * (p.c - v1.mean[3]) / v1.sd[3] + coalesce(v1.beta[5] * (p.d - v1.mean[4]) / v1.sd[4], 0))))) > 1e-12),
          0, 'each probability equals the logistic of the standardised features (a missing d as its mean)');
SELECT is((SELECT count(*)::int FROM cleangov.model_score s, v1
            WHERE abs(v1.beta[1] + (SELECT sum(c) FROM unnest(s.contributions) c) - ln(s.probability / (1 - s.probability))) > 1e-9),
          0, 'the contributions and the intercept add up to the logit');
SELECT is((SELECT array_agg(feature ORDER BY ord) FROM (SELECT feature, row_number() OVER () AS ord FROM cleangov.explain_score('MP', 'P0007')) e),
          (SELECT array_agg(f ORDER BY abs(c) DESC, f) FROM cleangov.model_score s, unnest(s.contributions, ARRAY['a', 'b', 'c', 'd']) u(c, f)
            WHERE s.model_code = 'MP' AND s.subject_key = 'P0007'),
          'explain_score lists the contributions largest first');
SELECT is((SELECT count(*)::int FROM cleangov.person_profile('P0007') WHERE section = 'model' AND item = 'MP'), 1,
          'the person profile shows the model''s portrait');
SELECT ok((SELECT count(*) > 0 FROM cleangov.model_risk_ranking WHERE model_code = 'MP' AND dimension = 'post'), 'posts are ranked by predicted risk');
-- a second training is a new version; scoring keeps it
SELECT is((SELECT version FROM cleangov.train_model('MP')), 2, 'a second training is version 2');
SELECT is((SELECT (scored, lowered) FROM cleangov.score_model('MP')), (500::bigint, 0::bigint), 'score_model scores every row again');

-- ---- degenerate inputs ---------------------------------------------------------
INSERT INTO cleangov.model (model_code, name_en, grain, features, query, min_per_class) VALUES
 ('MFEW', 'few', 'person', '{"a": "a"}', 'SELECT person_key AS subject_key, (i <= 5) AS label, a FROM mt.person', 10),
 ('MCONST', 'constant', 'person', '{"a": "a", "k": "constant"}', 'SELECT person_key AS subject_key, y AS label, a, 1 AS k FROM mt.person', 10),
 ('MDUP', 'duplicate', 'person', '{"a": "a"}', 'SELECT unit_code AS subject_key, y AS label, a FROM mt.person', 10),
 ('MLAB', 'label 2', 'person', '{"a": "a"}', 'SELECT person_key AS subject_key, (i % 3) AS label, a FROM mt.person', 10),
 ('MNOISE', 'noise', 'person', '{"c": "noise"}', 'SELECT person_key AS subject_key, y AS label, c FROM mt.person', 10);
SELECT throws_ok($$SELECT cleangov.train_model('MFEW')$$, '22023', NULL, 'too few labels of a class: 22023');
SELECT throws_like($$SELECT cleangov.train_model('MCONST')$$, '%feature k is constant%', 'a constant feature is refused naming it');
SELECT throws_ok($$SELECT cleangov.train_model('MDUP')$$, '21000', NULL, 'a subject returned twice: 21000');
SELECT throws_ok($$SELECT cleangov.train_model('MLAB')$$, '22023', NULL, 'a label that is not 0 or 1: 22023');
SELECT is((SELECT beats_base_rate FROM cleangov.train_model('MNOISE')), false, 'a model of noise says it does not beat the base rate');
-- hostile names: a model code that is SQL in disguise is refused by its form;
-- feature columns that are reach the generated functions only as quoted
-- identifiers
SELECT throws_ok($$INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES
 ('M''); DROP TABLE mt.person; --', 'hostile', 'person', '{"a": "a"}', 'SELECT person_key AS subject_key, y AS label, a FROM mt.person')$$,
 '23514', NULL, 'a model code outside the code form: 23514');
INSERT INTO cleangov.model (model_code, name_en, grain, features, query) VALUES
 ('MHOSTILE', 'hostile', 'person',
  '{"a\"); DROP TABLE mt.person; --": "strong signal under a hostile name", "B b": "mixed case and a space"}',
  'SELECT person_key AS subject_key, y AS label, a AS "a""); DROP TABLE mt.person; --", b AS "B b" FROM mt.person');
SELECT is((SELECT feature_columns FROM cleangov.model WHERE model_code = 'MHOSTILE'),
          ARRAY['a"); DROP TABLE mt.person; --', 'B b'], 'hostile feature names are kept as names');
SELECT ok((SELECT converged AND beta[2] > 0.5 FROM cleangov.train_model('MHOSTILE')),
          'a model with hostile names trains (its strong signal found)');
SELECT is((SELECT count(*)::int FROM cleangov.model_score s JOIN mt.person p ON p.person_key = s.subject_key
            WHERE s.model_code = 'MHOSTILE'), 500, 'it scores every row, and mt.person is still there');
RESET ROLE;

-- ---- alerts: the review queue and the lower_rate option ---------------------------
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, default_level, rectify_days)
VALUES ('T_ML', 'model test rule', '模型测试', 'procurement', 'tender', 'orange', 30);
SELECT count(cleangov.raise_alert('T_ML', 'tender', 'T' || i, 'U' || (i % 4), '', (i % 10)::float8, 0))
  FROM generate_series(1, 300) i;
-- reviewed: confirmed exactly when the value is high
UPDATE cleangov.alert SET review_verdict = CASE WHEN value >= 6 THEN 'confirmed' ELSE 'false_positive' END
 WHERE rule_code = 'T_ML' AND subject_key::text < 'T2';
INSERT INTO cleangov.model (model_code, name_en, grain, triage, lower_rate, features, query, owner) VALUES
 ('MA', 'alerts', 'alert', true, 0.1, '{"v": "the value"}',
  'SELECT alert_id AS subject_key, subject_key AS group_key, review_verdict = ''confirmed'' AS label, value AS v
     FROM cleangov.alert WHERE rule_code = ''T_ML''', 'mt_admin');
SET ROLE mt_admin;
SELECT ok((SELECT lower_cutoff IS NOT NULL FROM cleangov.train_model('MA')), 'the alert model has a calibrated cut-off');
SELECT is((SELECT array_agg(alert_id ORDER BY queue_position) FROM (SELECT * FROM cleangov.review_queue WHERE rule_code = 'T_ML' LIMIT 5) q),
          (SELECT array_agg(alert_id ORDER BY value DESC, alert_id) FROM (
             SELECT a.alert_id, a.value FROM cleangov.alert a WHERE a.rule_code = 'T_ML' AND a.review_verdict IS NULL
              ORDER BY a.value DESC, a.level DESC, a.raised_at, a.alert_id LIMIT 5) x),
          'the review queue puts the unreviewed alerts the model scores highest first');
SELECT is((SELECT count(*)::int FROM cleangov.review_queue WHERE rule_code = 'T_ML'),
          (SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'T_ML' AND review_verdict IS NULL), 'it holds the open, unreviewed alerts');
CREATE TEMP TABLE low AS SELECT * FROM cleangov.score_model('MA');
SELECT ok((SELECT lowered > 0 FROM low), 'score_model lowers the alerts below the calibrated cut-off');
SELECT is((SELECT count(*)::int FROM cleangov.alert a JOIN cleangov.alert_event e USING (alert_id)
            WHERE a.rule_code = 'T_ML' AND e.event = 'level_changed' AND e.detail ->> 'model' = 'MA'
              AND e.from_level = 'orange' AND e.to_level = 'yellow' AND a.level = 'yellow' AND a.review_verdict IS NULL),
          (SELECT lowered::int FROM low), 'each lowering is one level down and an event naming the model');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'T_ML' AND review_verdict IS NOT NULL AND level <> 'orange'), 0,
          'reviewed alerts are never lowered');
SELECT is((SELECT lowered FROM cleangov.score_model('MA')), 0::bigint, 'once per alert and version');
RESET ROLE;
-- the unit archive: the unit, its alerts, the flagged persons of the person
-- model, a unit model's portrait
CREATE TABLE mt.unitdata AS
SELECT 'U' || i AS unit_code, u, (random() < 1 / (1 + exp(-3 * u))) AS bad
  FROM (SELECT i, random() * 2 - 1 AS u FROM generate_series(0, 99) i) g;
INSERT INTO cleangov.unit (unit_code, name, name_zh, region_code)
SELECT unit_code, 'unit ' || unit_code, '单位' || unit_code, 'R9' FROM mt.unitdata WHERE unit_code NOT IN ('U0', 'U1', 'U2', 'U3');
GRANT SELECT ON mt.unitdata TO mt_admin;
INSERT INTO cleangov.model (model_code, name_en, grain, features, query, owner) VALUES
 ('MUNIT', 'units', 'unit', '{"u": "a unit signal"}', 'SELECT unit_code AS subject_key, bad AS label, u FROM mt.unitdata', 'mt_admin');
SET ROLE mt_admin;
SELECT ok((SELECT converged FROM cleangov.train_model('MUNIT')), 'a unit model trains');
RESET ROLE;
SELECT is((SELECT detail ->> 'name_zh' FROM cleangov.unit_profile('U1') WHERE section = 'unit'), '单位1', 'the unit archive names the unit');
SELECT is((SELECT count(*)::int FROM cleangov.unit_profile('U1') WHERE section = 'alert'),
          (SELECT count(*)::int FROM cleangov.alert WHERE unit_code = 'U1'), 'it lists every alert routed to the unit');
SELECT is((SELECT array_agg(item) FROM cleangov.unit_profile('U1') WHERE section = 'person_model' AND detail ->> 'model' = 'MP'),
          (SELECT array_agg(subject_key ORDER BY probability DESC, subject_key) FROM cleangov.model_portrait
            WHERE model_code = 'MP' AND unit_code = 'U1' AND flagged),
          'and the persons of the unit the person model flags, highest risk first');
SELECT is((SELECT (value, detail -> 'risk_points') FROM cleangov.unit_profile('U7') WHERE section = 'model' AND item = 'MUNIT'),
          (SELECT (probability, risk_points) FROM cleangov.model_portrait WHERE model_code = 'MUNIT' AND subject_key = 'U7'),
          'the unit model''s portrait: probability and risk points');
-- an inspector sees the scores of its units' alerts only
INSERT INTO cleangov.unit_assignment (role_name, unit_code) VALUES ('mt_insp', 'U1');
SET ROLE mt_insp;
SELECT is((SELECT count(DISTINCT a.unit_code)::int FROM cleangov.model_score s JOIN cleangov.alert a ON a.alert_id::text = s.subject_key
            WHERE s.model_code = 'MA'), 1, 'an inspector sees the alert scores of its unit only');
SELECT is((SELECT count(*)::int FROM cleangov.model_score s WHERE s.model_code = 'MA'),
          (SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'T_ML'), 'and every one of them');
SELECT is((SELECT count(*)::int FROM cleangov.unit_profile('U2') WHERE section = 'alert'), 0,
          'the archive of another unit shows an inspector none of its alerts');
SELECT is((SELECT count(*)::int FROM cleangov.unit_profile('U1') WHERE section = 'alert'),
          (SELECT count(*)::int FROM cleangov.alert WHERE unit_code = 'U1'), 'and of its own unit all of them');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
