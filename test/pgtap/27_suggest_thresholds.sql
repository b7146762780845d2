-- Threshold suggestions (suggest_thresholds, apply_threshold_suggestion;
-- doc/tuning.md): constructed rules with reviewed alerts at known values, the
-- right suggestion computed by hand for both directions, too few verdicts,
-- an unreachable target, every error path, each role (row-level security
-- changes the verdicts an inspector's suggestion rests on), and applying a
-- suggestion (rule_history, threshold_tuning, the next suggestion).
BEGIN;
SELECT plan(63);

CREATE ROLE t_sg_insp IN ROLE cleangov_inspector;
CREATE ROLE t_sg_analyst IN ROLE cleangov_analyst;
CREATE ROLE t_sg_admin IN ROLE cleangov_admin;
INSERT INTO cleangov.unit (unit_code, parent_code, name, region_code) VALUES
  ('SG-A', NULL, 'Unit A', 'R1'), ('SG-B', NULL, 'Unit B', 'R1');
INSERT INTO cleangov.unit_assignment VALUES ('t_sg_insp', 'SG-A');

-- T_GE fires when value >= {limit}.  Reviewed (value: verdict), unit A:
-- 10 F, 11 F, 12 C, 14 C, 16 C, 18 C, 20 C; unit B: 13 F, 15 C, 17 F, 19 C,
-- 21 C (raised when limit was 12), 9 F (raised when limit was 8: the current
-- limit 10 would not fire on it); 30 (unit B) is not reviewed.
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind, thresholds) VALUES
  ('T_GE', 'at or above', 'funds', 'unit', '{"limit": 10, "other": 3, "label": "x"}'),
  ('T_LE', 'at or below', 'funds', 'unit', '{"rate": 0.6}'),
  ('T_UN', 'unreachable', 'funds', 'unit', '{"n": 1}'),
  ('T_MIX', 'both sides', 'funds', 'unit', '{"m": 3}'),
  ('T_NODEF', 'no definition', 'funds', 'unit', '{"x": 1}');
INSERT INTO cleangov.rule_definition (rule_code, kind, query, threshold_key)
SELECT c, 'set', format($q$SELECT 'x'::text AS subject_key, NULL::text AS unit_code, ''::text AS period,
                                   {%s}::float8 AS value, '{}'::jsonb AS evidence WHERE false$q$, k), k
  FROM (VALUES ('T_GE', 'limit'), ('T_LE', 'rate'), ('T_UN', 'n'), ('T_MIX', 'm')) v (c, k);

CREATE TEMP TABLE sg (rule_code text, subject text, unit text, value float8, threshold float8, verdict text);
INSERT INTO sg VALUES
  ('T_GE', 'g10', 'SG-A', 10, 10, 'false_positive'), ('T_GE', 'g11', 'SG-A', 11, 10, 'false_positive'),
  ('T_GE', 'g12', 'SG-A', 12, 10, 'confirmed'), ('T_GE', 'g14', 'SG-A', 14, 10, 'confirmed'),
  ('T_GE', 'g16', 'SG-A', 16, 10, 'confirmed'), ('T_GE', 'g18', 'SG-A', 18, 10, 'confirmed'),
  ('T_GE', 'g20', 'SG-A', 20, 10, 'confirmed'),
  ('T_GE', 'g13', 'SG-B', 13, 10, 'false_positive'), ('T_GE', 'g15', 'SG-B', 15, 10, 'confirmed'),
  ('T_GE', 'g17', 'SG-B', 17, 10, 'false_positive'), ('T_GE', 'g19', 'SG-B', 19, 10, 'confirmed'),
  ('T_GE', 'g21', 'SG-B', 21, 12, 'confirmed'), ('T_GE', 'g09', 'SG-B', 9, 8, 'false_positive'),
  ('T_GE', 'g30', 'SG-B', 30, 10, NULL),
  -- T_LE fires when value <= {rate}: 7 confirmed, 3 false positives
  ('T_LE', 'l59', 'SG-A', 0.59, 0.6, 'false_positive'), ('T_LE', 'l55', 'SG-A', 0.55, 0.6, 'false_positive'),
  ('T_LE', 'l50', 'SG-A', 0.50, 0.6, 'confirmed'), ('T_LE', 'l45', 'SG-A', 0.45, 0.6, 'false_positive'),
  ('T_LE', 'l40', 'SG-A', 0.40, 0.6, 'confirmed'), ('T_LE', 'l30', 'SG-B', 0.30, 0.6, 'confirmed'),
  ('T_LE', 'l20', 'SG-B', 0.20, 0.6, 'confirmed'), ('T_LE', 'l10', 'SG-B', 0.10, 0.6, 'confirmed'),
  ('T_LE', 'l05', 'SG-B', 0.05, 0.6, 'confirmed'), ('T_LE', 'l01', 'SG-B', 0.01, 0.6, 'confirmed'),
  -- T_MIX: values on both sides of the threshold
  ('T_MIX', 'm5', 'SG-A', 5, 3, 'confirmed'), ('T_MIX', 'm1', 'SG-A', 1, 3, 'false_positive'),
  ('T_NODEF', 'x1', 'SG-A', 2, 1, 'confirmed');
-- T_UN: 1..10, odd confirmed, even false positive: no cut-off reaches 0.9
INSERT INTO sg SELECT 'T_UN', 'u' || i, 'SG-A', i, 1, CASE WHEN i % 2 = 1 THEN 'confirmed' ELSE 'false_positive' END
  FROM generate_series(1, 10) i;
SELECT is((SELECT count(*)::int FROM cleangov.raise_alerts(
             (SELECT array_agg(ROW(rule_code, 'unit', subject, unit, '', value, threshold, NULL, NULL, NULL, NULL)::cleangov.hit) FROM sg))),
          (SELECT count(*)::int FROM sg), 'the alerts are raised');
SELECT is((SELECT count(*)::int FROM sg JOIN cleangov.alert a ON a.rule_code = sg.rule_code AND a.subject_key = sg.subject,
                  LATERAL cleangov.review(a.alert_id, sg.verdict, 'test') r WHERE sg.verdict IS NOT NULL),
          (SELECT count(*)::int FROM sg WHERE verdict IS NOT NULL), 'and reviewed');

-- ---- >= direction, by hand (analyst: every unit) --------------------------
-- Fired on by limit 10: 12 reviewed alerts (g09 not: 9 < 10), 8 confirmed.
-- Cut 11 keeps 11 alerts, 8 confirmed (0.727); cut 12 keeps 10, 8 confirmed
-- (0.8): target 0.8 reached at 12, the nearest value dropped is 11 -> 11.5.
SET LOCAL ROLE t_sg_analyst;
CREATE TEMP TABLE s1 AS SELECT * FROM cleangov.suggest_thresholds('T_GE');
SELECT is((SELECT array_agg(threshold_key ORDER BY threshold_key) FROM s1), '{limit,other}',
          'one row per numeric threshold (the text one is left out)');
SELECT is((SELECT ROW(direction, current_value, suggested_value, verdicts, confirmed, false_positive)::text FROM s1 WHERE threshold_key = 'limit'),
          ROW('>=', 10, 11.5, 12, 8, 4)::text, 'T_GE: >=, 10 -> 11.5 on 12 verdicts (8 confirmed, 4 false positives)');
SELECT is((SELECT precision_now FROM s1 WHERE threshold_key = 'limit'), 8::float8 / 12, 'precision now 8/12');
SELECT is((SELECT recall_now FROM s1 WHERE threshold_key = 'limit'), 1.0::float8, 'recall now 1 among reviewed alerts');
SELECT is((SELECT precision_at_suggested FROM s1 WHERE threshold_key = 'limit'), 0.8::float8, 'precision at 11.5: 8/10');
SELECT is((SELECT recall_kept FROM s1 WHERE threshold_key = 'limit'), 1.0::float8, 'every confirmed alert kept');
SELECT ok((SELECT note FROM s1 WHERE threshold_key = 'limit') LIKE '%1 of the verdicts are on alerts raised at another threshold%'
      AND (SELECT note FROM s1 WHERE threshold_key = 'limit') LIKE '%1 reviewed alerts raised at an older, looser threshold%'
      AND (SELECT note FROM s1 WHERE threshold_key = 'limit') LIKE '%no reviewed near-misses%',
          'the note says which alerts were raised at other thresholds, and that no near-misses are recorded');
SELECT is((SELECT ROW(suggested_value, direction)::text FROM s1 WHERE threshold_key = 'other'), ROW(NULL, NULL)::text,
          'the threshold the value is not compared with gets no suggestion');
SELECT ok((SELECT note FROM s1 WHERE threshold_key = 'other') LIKE 'not the threshold the alerts'' value is compared with (that is limit)%',
          'and says why');
-- 0.85: cut 13 keeps 9 (7 confirmed, 0.778), cut 14 keeps 8 (7, 0.875) -> 13.5
SELECT is((SELECT ROW(suggested_value, precision_at_suggested, recall_kept)::text FROM cleangov.suggest_thresholds('T_GE', 0.85) WHERE threshold_key = 'limit'),
          ROW(13.5, 0.875, 0.875)::text, 'target 0.85: 13.5, precision 7/8, 7 of 8 confirmed kept');
-- 0.9: 14 0.875, 15 6/7, 16 5/6, 17 4/5, 18 4/4 -> 17.5, half the confirmed kept
SELECT is((SELECT ROW(suggested_value, precision_at_suggested, recall_kept)::text FROM cleangov.suggest_thresholds('T_GE', 0.9) WHERE threshold_key = 'limit'),
          ROW(17.5, 1, 0.5)::text, 'target 0.9: 17.5, precision 1, half the confirmed kept');
SELECT is((SELECT ROW(suggested_value, precision_at_suggested)::text FROM cleangov.suggest_thresholds('T_GE', 0.6) WHERE threshold_key = 'limit'),
          ROW(10, 8::float8 / 12)::text, 'a target already met: the current value');
SELECT ok((SELECT note FROM cleangov.suggest_thresholds('T_GE', 0.6) WHERE threshold_key = 'limit') LIKE 'the target 0.6 is met at the current value%',
          'and the note says so');

-- ---- <= direction, by hand ------------------------------------------------
-- 10 reviewed, 7 confirmed (0.7). Cut 0.55 keeps 9 (7/9), cut 0.5 keeps 8 (7/8):
-- target 0.8 at 0.5, nearest value dropped 0.55 -> 0.525; target 1: cut 0.45
-- keeps 7 (6/7), cut 0.4 keeps 6 (6/6) -> 0.425, 6 of 7 confirmed kept.
SELECT is((SELECT ROW(direction, current_value, round(suggested_value::numeric, 9)::float8, verdicts, confirmed, false_positive)::text
             FROM cleangov.suggest_thresholds('T_LE')),
          ROW('<=', 0.6, 0.525, 10, 7, 3)::text, 'T_LE: <=, 0.6 -> 0.525 on 10 verdicts');
SELECT is((SELECT ROW(precision_now, precision_at_suggested, recall_kept)::text FROM cleangov.suggest_thresholds('T_LE')),
          ROW(0.7, 0.875, 1)::text, 'precision 0.7 -> 7/8, every confirmed kept');
SELECT is((SELECT ROW(round(suggested_value::numeric, 9)::float8, precision_at_suggested, recall_kept)::text FROM cleangov.suggest_thresholds('T_LE', 1.0)),
          ROW(0.425, 1, 6::float8 / 7)::text, 'target 1: 0.425, precision 1, 6 of 7 confirmed kept');

-- ---- too few verdicts, unreachable, no direction ---------------------------
SELECT is((SELECT ROW(suggested_value, verdicts)::text FROM cleangov.suggest_thresholds('T_UN', 0.9, 11)),
          ROW(NULL, 10)::text, 'fewer verdicts than min_verdicts: no suggestion');
SELECT ok((SELECT note FROM cleangov.suggest_thresholds('T_UN', 0.9, 11)) LIKE 'too few verdicts: 10 (5 confirmed, 5 false positive); at least 11%',
          'and the note says so');
SELECT is((SELECT ROW(suggested_value, precision_now, verdicts)::text FROM cleangov.suggest_thresholds('T_UN', 0.9)),
          ROW(NULL, 0.5, 10)::text, 'an unreachable target: no suggestion');
SELECT ok((SELECT note FROM cleangov.suggest_thresholds('T_UN', 0.9)) LIKE 'the target 0.9 is unreachable among the reviewed alerts: the best cut-off, 1, keeps 10 alerts at precision 0.500%',
          'and the note gives the best there is');
SELECT is((SELECT ROW(suggested_value, direction)::text FROM cleangov.suggest_thresholds('T_NODEF')), ROW(NULL, NULL)::text,
          'a rule without a definition: no suggestion');
SELECT ok((SELECT note FROM cleangov.suggest_thresholds('T_NODEF')) LIKE 'the rule''s definition names no threshold_key%', 'and the note says why');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_MIX')$$, '55000', 'rule T_MIX: the direction that fires cannot be told',
                 'alerts on both sides of their threshold: refused (55000)');

-- ---- errors ---------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('NO_SUCH')$$, '42704', 'rule NO_SUCH does not exist', 'unknown rule: 42704');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds(NULL)$$, '22004', NULL, 'NULL rule: 22004');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_GE', NULL)$$, '22004', NULL, 'NULL target: 22004');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_GE', 0.8, NULL)$$, '22004', NULL, 'NULL min_verdicts: 22004');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_GE', 0)$$, '22023', 'target_precision must be in (0, 1], not 0', 'target 0: 22023');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_GE', 1.01)$$, '22023', NULL, 'target above 1: 22023');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_GE', 'NaN')$$, '22023', NULL, 'target NaN: 22023');
SELECT throws_ok($$SELECT * FROM cleangov.suggest_thresholds('T_GE', 0.8, 0)$$, '22023', NULL, 'min_verdicts 0: 22023');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'limit', 11.5)$$, '42501', NULL,
                 'the analyst cannot apply a suggestion (42501)');
RESET ROLE;

-- ---- the inspector sees unit A only ----------------------------------------
-- Unit A: 10 F, 11 F, 12 C, 14 C, 16 C, 18 C, 20 C: 7 verdicts, fewer than 10.
-- With min_verdicts 5: precision 5/7; cut 11 keeps 6 (5/6 >= 0.8) -> 10.5.
SET LOCAL ROLE t_sg_insp;
SELECT is((SELECT ROW(suggested_value, verdicts, confirmed, false_positive)::text FROM cleangov.suggest_thresholds('T_GE') WHERE threshold_key = 'limit'),
          ROW(NULL, 7, 5, 2)::text, 'inspector: 7 verdicts of its unit, too few for a suggestion');
SELECT is((SELECT ROW(suggested_value, precision_now, precision_at_suggested, recall_kept)::text
             FROM cleangov.suggest_thresholds('T_GE', 0.8, 5) WHERE threshold_key = 'limit'),
          ROW(10.5, 5::float8 / 7, 5::float8 / 6, 1)::text, 'inspector, min_verdicts 5: 10.5 from its own verdicts');
SELECT is((SELECT ROW(verdicts, confirmed)::text FROM cleangov.suggest_thresholds('T_LE', 0.8, 1)),
          ROW(5, 2)::text, 'inspector: T_LE counts only unit A''s 5 verdicts');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'limit', 11.5)$$, '42501', NULL,
                 'the inspector cannot apply a suggestion (42501)');
RESET ROLE;

-- ---- the admin applies one -------------------------------------------------
SET LOCAL ROLE t_sg_admin;
SELECT is((SELECT ROW(suggested_value, verdicts)::text FROM cleangov.suggest_thresholds('T_GE') WHERE threshold_key = 'limit'),
          ROW(11.5, 12)::text, 'the admin sees every unit: the analyst''s suggestion');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('NO_SUCH', 'limit', 1)$$, '42704', 'rule NO_SUCH does not exist', 'apply: unknown rule 42704');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'nokey', 1)$$, '42704', 'rule T_GE has no threshold "nokey"', 'apply: unknown key 42704');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'label', 1)$$, '22023', NULL, 'apply: a non-numeric threshold 22023');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'limit', 'NaN')$$, '22023', 'a threshold must be a finite number, not NaN', 'apply: NaN 22023');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'limit', 'Infinity')$$, '22023', NULL, 'apply: Infinity 22023');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'limit', '-Infinity')$$, '22023', NULL, 'apply: -Infinity 22023');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', NULL, 1)$$, '22004', NULL, 'apply: NULL key 22004');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion('T_GE', 'limit', NULL)$$, '22004', NULL, 'apply: NULL value 22004');
SELECT throws_ok($$SELECT cleangov.apply_threshold_suggestion(NULL, 'limit', 1)$$, '22004', NULL, 'apply: NULL rule 22004');
SELECT is((SELECT thresholds FROM cleangov.rule WHERE rule_code = 'T_GE'), '{"limit": 10, "other": 3, "label": "x"}'::jsonb,
          'the refused calls changed nothing');
CREATE TEMP TABLE tuned AS SELECT * FROM cleangov.apply_threshold_suggestion('T_GE', 'limit', 11.5, 'precision 0.8 from the reviews');
SELECT is((SELECT thresholds FROM cleangov.rule WHERE rule_code = 'T_GE'), '{"limit": 11.5, "other": 3, "label": "x"}'::jsonb,
          'apply writes the rule''s thresholds');
SELECT is((SELECT ROW(h.old_thresholds ->> 'limit', h.new_thresholds ->> 'limit', h.changed_by)::text
             FROM cleangov.rule_history h WHERE h.rule_code = 'T_GE' ORDER BY h.history_id DESC LIMIT 1),
          ROW('10', '11.5', 't_sg_admin')::text, 'rule_history records old and new, and who');
SELECT is((SELECT history_id FROM tuned),
          (SELECT max(history_id) FROM cleangov.rule_history WHERE rule_code = 'T_GE'), 'the tuning record points at that history row');
SELECT is((SELECT ROW(rule_code, threshold_key, old_value, new_value, direction, verdicts, confirmed, false_positive, applied_by, note)::text FROM tuned),
          ROW('T_GE', 'limit', 10, 11.5, '>=', 12, 8, 4, 't_sg_admin', 'precision 0.8 from the reviews')::text,
          'the tuning record: key, old and new, direction, the verdicts it was based on, who, the note');
SELECT is((SELECT ROW(precision_before, precision_after, recall_kept)::text FROM tuned),
          ROW(8::float8 / 12, 0.8, 1)::text, 'and precision before and after, recall kept');
SELECT is((SELECT count(*)::int FROM cleangov.threshold_tuning WHERE rule_code = 'T_GE'), 1, 'one tuning row');
RESET ROLE;

-- ---- the next suggestion starts where the applied one ended ----------------
SET LOCAL ROLE t_sg_analyst;
SELECT is((SELECT precision_now FROM cleangov.suggest_thresholds('T_GE') WHERE threshold_key = 'limit'),
          (SELECT precision_at_suggested FROM s1 WHERE threshold_key = 'limit'),
          'after applying, precision now is the earlier precision at the suggestion');
SELECT is((SELECT ROW(current_value, suggested_value, verdicts)::text FROM cleangov.suggest_thresholds('T_GE') WHERE threshold_key = 'limit'),
          ROW(11.5, 11.5, 10)::text, 'on the 10 reviewed alerts 11.5 fires on; the target is met');
SELECT ok((SELECT note FROM cleangov.suggest_thresholds('T_GE') WHERE threshold_key = 'limit') LIKE '%10 of the verdicts are on alerts raised at another threshold%',
          'the alerts raised at 10 count by their value');
SELECT is((SELECT count(*)::int FROM cleangov.threshold_tuning), 1, 'the analyst reads the tuning log');
SELECT throws_ok($$INSERT INTO cleangov.threshold_tuning (rule_code, threshold_key, new_value) VALUES ('T_GE', 'limit', 1)$$,
                 '42501', NULL, 'the analyst cannot write the tuning log');
RESET ROLE;
SET LOCAL ROLE t_sg_insp;
SELECT throws_ok($$SELECT * FROM cleangov.threshold_tuning$$, '42501', NULL, 'the inspector does not read the tuning log');
RESET ROLE;
SELECT throws_ok($$UPDATE cleangov.threshold_tuning SET note = 'x'$$, '42501', NULL, 'the tuning log is append-only, also for the owner');
SELECT throws_ok($$DELETE FROM cleangov.threshold_tuning$$, '42501', NULL, 'no delete either');

SELECT * FROM finish();
ROLLBACK;
