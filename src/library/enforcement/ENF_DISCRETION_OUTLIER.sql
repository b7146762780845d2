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
-- One aggregate pass per violation type: cleangov's median and mad are
-- percentile_cont(0.5) of the amounts and of their distances to the median
-- (doc/robust.md), and unlike a correlated percentile_cont subquery they
-- are pushed down to the workers on Citus (doc/citus.md).
WITH d AS (
  SELECT p.violation_type, count(*) AS n, @extschema@.median(p.amount::float8) AS med, @extschema@.mad(p.amount::float8) AS mad
    FROM cleangov_bound.penalty p GROUP BY p.violation_type HAVING count(*) >= {min_peers})
SELECT p.penalty_id AS subject_key, p.unit_code, '' AS period,
       (0.6745 * (p.amount - d.med) / d.mad)::float8 AS value, {z}::float8 AS threshold,
       jsonb_build_object('violation_type', p.violation_type, 'amount', p.amount, 'median', @extschema@.round_sig(d.med),
                          'mad', @extschema@.round_sig(d.mad), 'peers', d.n) AS evidence
  FROM cleangov_bound.penalty p JOIN d ON d.violation_type = p.violation_type
 WHERE d.mad > 0 AND abs(0.6745 * (p.amount - d.med) / d.mad) > {z}$$,
  '{}'::text[],
  '{"penalty.unit_code": "alerts carry no unit"}'::jsonb);
