-- Built-in rule library, funds (seeds 001, 002, 004): three public expenses
-- over budget three months running unless explained, land-transfer fee
-- collection below 60 % two years running, duplicate project filings, and
-- Benford nonconformity of a unit's payments (Nigrini's MAD bands).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('FUND_THREE_PUBLIC_OVER_BUDGET', 'three public expenses over budget', '三公经费超预算', 'funds', 'over budget', 'unit_category',
  '{"pct": 0.15, "months": 3}', 'yellow',
  'Spending of a three-public-expense category more than {pct} over its monthly budget, {months} months running, a month with an accepted explanation not counting (seed 001).'),
 ('FUND_LAND_FEE_LOW', 'land-transfer fee collection low', '土地出让金收缴率低', 'funds', 'fee collection', 'unit',
  '{"rate": 0.60, "years": 2}', 'red',
  'Land-transfer fees collected / due below {rate} for {years} years running: red (seed 001).'),
 ('FUND_DUPLICATE_FILING', 'duplicate project filing', '项目重复备案', 'funds', 'duplicate filing', 'project_filing',
  '{}', 'yellow',
  'A project filed again by the same applicant under the same name (spaces and case ignored) as an earlier filing (seed 004).'),
 ('FUND_BENFORD', 'Benford nonconformity of payments', '支付金额首位数字异常', 'funds', 'fabricated amounts', 'unit',
  '{"mad": 0.015, "min_n": 100, "p": 0.01}', 'blue',
  'First-digit mean absolute deviation from Benford''s law above {mad} (Nigrini: nonconformity) and chi-square p-value below {p} (MAD alone over-flags small samples) for a unit with more than {min_n} payments (CRI: Benford per buyer only above 100).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, exemption, streak_min, streak_step) VALUES
 ('FUND_THREE_PUBLIC_OVER_BUDGET', 'set', $$
SELECT b.unit_code || '/' || b.category AS subject_key, b.unit_code, b.period,
       (b.spent / b.amount - 1)::float8 AS value,
       jsonb_build_object('category', b.category, 'budget', b.amount, 'spent', b.spent) AS evidence
  FROM cleangov_bound.budget_line b
 WHERE b.three_public AND b.amount > 0 AND b.spent > b.amount * (1 + {pct})$$, 'pct',
  $$EXISTS (SELECT FROM cleangov_bound.budget_explanation e
             WHERE e.accepted AND e.unit_code = h.unit_code AND e.period = h.period
               AND (e.category IS NULL OR h.subject_key = e.unit_code || '/' || e.category))$$,
  3, 'month'),
 ('FUND_LAND_FEE_LOW', 'set', $$
SELECT f.unit_code AS subject_key, f.unit_code, f.period, (f.collected / f.due)::float8 AS value,
       jsonb_build_object('due', f.due, 'collected', f.collected) AS evidence
  FROM cleangov_bound.fee_collection f
 WHERE coalesce(f.kind, 'land_transfer') = 'land_transfer' AND f.due > 0 AND f.collected / f.due < {rate}$$, 'rate',
  NULL, 2, 'year');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query) VALUES
 ('FUND_DUPLICATE_FILING', 'set', $$
WITH f AS (
  SELECT f.*, lower(regexp_replace(f.project_name, '\s', '', 'g')) AS name_key FROM cleangov_bound.project_filing f)
SELECT f.filing_id AS subject_key, f.unit_code, '' AS period, count(*)::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('project_name', f.project_name, 'earlier_filings', jsonb_agg(o.filing_id ORDER BY o.filed_at, o.filing_id)) AS evidence
  FROM f JOIN f o ON o.name_key = f.name_key AND o.applicant_id IS NOT DISTINCT FROM f.applicant_id
                 AND (o.filed_at, o.filing_id) < (f.filed_at, f.filing_id)
 GROUP BY f.filing_id, f.unit_code, f.project_name$$),
 ('FUND_BENFORD', 'set', $$
WITH b AS (
  SELECT e.unit_code, @extschema@.benford(e.amount) AS x FROM cleangov_bound.expense e GROUP BY e.unit_code)
SELECT b.unit_code AS subject_key, b.unit_code, '' AS period, @extschema@.round_sig((b.x).mad) AS value,
       jsonb_build_object('n', (b.x).n, 'conformity', (b.x).conformity, 'chi2', @extschema@.round_sig((b.x).chi2),
                          'p_value', @extschema@.round_sig((b.x).p_value), 'observed', @extschema@.round_sig((b.x).observed)) AS evidence
  FROM b WHERE (b.x).n > {min_n} AND (b.x).mad > {mad} AND (b.x).p_value < {p}$$);
UPDATE @extschema@.rule_definition SET threshold_key = 'mad' WHERE rule_code = 'FUND_BENFORD';

-- needs and degrades (see 60_library_procurement.sql).
UPDATE @extschema@.rule_definition d SET needs = v.needs, degrades = v.degrades
  FROM (VALUES
 ('FUND_THREE_PUBLIC_OVER_BUDGET', '{budget_line.spent,budget_line.three_public}'::text[],
  '{"budget_explanation.category": "an accepted explanation covers every category of its unit and month"}'::jsonb),
 ('FUND_LAND_FEE_LOW', '{}', '{"fee_collection.kind": "every fee counts as a land-transfer fee"}'),
 ('FUND_DUPLICATE_FILING', '{}', '{"project_filing.applicant_id": "filings of one name by different applicants count as duplicates", "project_filing.filed_at": "the earlier filing is the one with the smaller key", "project_filing.unit_code": "alerts carry no unit"}')
  ) v(rule_code, needs, degrades)
 WHERE d.rule_code = v.rule_code;
