-- FUND_BENFORD: Benford nonconformity of payments (支付金额首位数字异常)
--
-- First-digit mean absolute deviation from Benford's law above {mad} (Nigrini:
-- nonconformity) and chi-square p-value below {p} (MAD alone over-flags small
-- samples) for a unit with more than {min_n} payments (CRI: Benford per buyer
-- only above 100).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('FUND_BENFORD', 'Benford nonconformity of payments', '支付金额首位数字异常', 'funds', 'fabricated amounts', 'unit',
  '{"mad": 0.015, "min_n": 100, "p": 0.01}', 'blue',
  'First-digit mean absolute deviation from Benford''s law above {mad} (Nigrini: nonconformity) and chi-square p-value below {p} (MAD alone over-flags small samples) for a unit with more than {min_n} payments (CRI: Benford per buyer only above 100).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key) VALUES (
  'FUND_BENFORD',
  'set',
  $$
WITH b AS (
  SELECT e.unit_code, @extschema@.benford(e.amount) AS x FROM cleangov_bound.expense e GROUP BY e.unit_code)
SELECT b.unit_code AS subject_key, b.unit_code, '' AS period, @extschema@.round_sig((b.x).mad) AS value,
       jsonb_build_object('n', (b.x).n, 'conformity', (b.x).conformity, 'chi2', @extschema@.round_sig((b.x).chi2),
                          'p_value', @extschema@.round_sig((b.x).p_value), 'observed', @extschema@.round_sig((b.x).observed)) AS evidence
  FROM b WHERE (b.x).n > {min_n} AND (b.x).mad > {mad} AND (b.x).p_value < {p}$$,
  'mad');
