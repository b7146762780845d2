-- R048: heterogeneous supplier (跨行业中标)
--
-- Distinct first-level item classes won by a supplier at or above Q3 + k*IQR,
-- fence over suppliers with at least {min_awards} awarded tenders (Cardinal
-- R048).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R048', 'heterogeneous supplier', '跨行业中标', 'procurement', 'eating off enterprises', 'enterprise',
  '{"k": 1.5, "min_awards": 20}', 'blue',
  'Distinct first-level item classes won by a supplier at or above Q3 + k*IQR, fence over suppliers with at least {min_awards} awarded tenders (Cardinal R048).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R048',
  'set',
  $$
WITH p AS (
  SELECT a.supplier_id, count(DISTINCT left(t.item_class, 2)) AS classes, count(DISTINCT a.tender_id) AS awarded
    FROM cleangov_bound.award a JOIN cleangov_bound.tender t ON t.tender_id = a.tender_id
   WHERE a.status IS DISTINCT FROM 'cancelled' AND t.status IS DISTINCT FROM 'cancelled' AND t.item_class IS NOT NULL
   GROUP BY a.supplier_id),
f AS (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY classes) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY classes) AS q3
        FROM p WHERE p.awarded >= {min_awards})
SELECT p.supplier_id AS subject_key, NULL::text AS unit_code, '' AS period, p.classes::float8 AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('classes', p.classes, 'awarded_tenders', p.awarded,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM p CROSS JOIN f
 WHERE f.q3 > f.q1 AND p.classes >= f.q3 + {k} * (f.q3 - f.q1)$$,
  '{tender.item_class}'::text[],
  '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped"}'::jsonb);
