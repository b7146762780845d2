-- FUND_THREE_PUBLIC_OVER_BUDGET: three public expenses over budget (三公经费超预算)
--
-- Spending of a three-public-expense category more than {pct} over its monthly
-- budget, {months} months running, a month with an accepted explanation not
-- counting (seed 001).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('FUND_THREE_PUBLIC_OVER_BUDGET', 'three public expenses over budget', '三公经费超预算', 'funds', 'over budget', 'unit_category',
  '{"pct": 0.15, "months": 3}', 'yellow',
  'Spending of a three-public-expense category more than {pct} over its monthly budget, {months} months running, a month with an accepted explanation not counting (seed 001).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, exemption, streak_min, streak_step, needs, degrades) VALUES (
  'FUND_THREE_PUBLIC_OVER_BUDGET',
  'set',
  $$
SELECT b.unit_code || '/' || b.category AS subject_key, b.unit_code, b.period,
       (b.spent / b.amount - 1)::float8 AS value,
       jsonb_build_object('category', b.category, 'budget', b.amount, 'spent', b.spent) AS evidence
  FROM cleangov_bound.budget_line b
 WHERE b.three_public AND b.amount > 0 AND b.spent > b.amount * (1 + {pct})
   -- a month with an accepted explanation does not count (and so breaks the
   -- run): an anti-join, one pass over the explanations, not a check per hit
   AND NOT EXISTS (SELECT FROM cleangov_bound.budget_explanation e
                    WHERE e.accepted AND e.unit_code = b.unit_code AND e.period = b.period
                      AND (e.category IS NULL OR e.category = b.category))$$,
  'pct',
  NULL,
  3,
  'month',
  '{budget_line.spent,budget_line.three_public}'::text[],
  '{"budget_explanation.category": "an accepted explanation covers every category of its unit and month"}'::jsonb);
