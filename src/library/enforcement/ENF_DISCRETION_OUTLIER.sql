-- ENF_DISCRETION_OUTLIER: discretion outlier (自由裁量畸轻畸重)
--
-- Modified z-score 0.6745 (amount - median) / MAD of a penalty against
-- penalties for the same violation type beyond {z} in absolute value, types
-- with at least {min_peers} penalties and MAD > 0 (seed 000: discretion too
-- light or too heavy; Iglewicz and Hoaglin).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('ENF_DISCRETION_OUTLIER', 'discretion outlier', '自由裁量畸轻畸重', 'enforcement', 'discretion', 'penalty',
  '{"z": 3.5, "min_peers": 10}', 'yellow',
  'Modified z-score 0.6745 (amount - median) / MAD of a penalty against penalties for the same violation type beyond {z} in absolute value, types with at least {min_peers} penalties and MAD > 0 (seed 000: discretion too light or too heavy; Iglewicz and Hoaglin).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'ENF_DISCRETION_OUTLIER',
  'set',
  $$
WITH m AS (
  SELECT p.violation_type, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY p.amount) AS med
    FROM cleangov_bound.penalty p GROUP BY p.violation_type HAVING count(*) >= {min_peers}),
-- MATERIALIZED: inlined, the MAD subquery would run once per penalty (a scan
-- of the violation type's penalties for every penalty: 645 s at 100,000).
d AS MATERIALIZED (
  SELECT m.violation_type, m.n, m.med,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(p.amount - m.med)) FROM cleangov_bound.penalty p
           WHERE p.violation_type = m.violation_type) AS mad
    FROM m)
SELECT p.penalty_id AS subject_key, p.unit_code, '' AS period,
       (0.6745 * (p.amount - d.med) / d.mad)::float8 AS value, {z}::float8 AS threshold,
       jsonb_build_object('violation_type', p.violation_type, 'amount', p.amount, 'median', @extschema@.round_sig(d.med),
                          'mad', @extschema@.round_sig(d.mad), 'peers', d.n) AS evidence
  FROM cleangov_bound.penalty p JOIN d ON d.violation_type = p.violation_type
 WHERE d.mad > 0 AND abs(0.6745 * (p.amount - d.med) / d.mad) > {z}$$,
  '{}'::text[],
  '{"penalty.unit_code": "alerts carry no unit"}'::jsonb);
