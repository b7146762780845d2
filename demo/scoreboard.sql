-- The planted-case scoreboard: per pattern, the cases in truth.planted, how
-- many of them an alert of the pattern's rule codes found, the alerts raised by
-- those codes, recall and precision; near-misses that were flagged.
-- Reads cleangov.alert (rule_code, subject_kind, subject_key, level, unit_code)
-- if it exists; without it every count of alerts is 0.  Green-level rows are
-- not counted as alerts.
--
-- An alert matches a case when its rule_code is one of the case's pattern's
-- rule_codes and its (subject_kind, subject_key) equal the case's.  Precision
-- of a pattern = alerts by its codes that match a case of any pattern sharing
-- that code / all alerts by its codes on subjects of the pattern's kind (R028
-- and R030 flag the process and its tenderers: a tenderer is no tender).
\set ON_ERROR_STOP on
\pset footer off
CREATE TEMP TABLE IF NOT EXISTS demo_alert (rule_code text, subject_kind text, subject_key text, level text, unit_code text);
TRUNCATE demo_alert;
DO $$
BEGIN
  IF to_regclass('cleangov.alert') IS NOT NULL THEN
    EXECUTE 'INSERT INTO demo_alert SELECT rule_code::text, subject_kind::text, subject_key::text, level::text, unit_code::text
             FROM cleangov.alert WHERE level::text IS DISTINCT FROM ''green''';
  END IF;
END $$;

\echo '== planted-case scoreboard (truth.planted vs cleangov.alert)'
WITH cases AS (
  SELECT p.pattern, p.subject_kind, p.subject_key, p.detail->>'origin' AS origin, pt.rule_codes
  FROM truth.planted p JOIN truth.pattern pt USING (pattern)
), found AS (
  SELECT c.pattern, count(*) AS found
  FROM cases c
  WHERE EXISTS (SELECT 1 FROM demo_alert a WHERE a.rule_code = ANY (c.rule_codes)
                  AND a.subject_kind = c.subject_kind AND a.subject_key = c.subject_key)
  GROUP BY c.pattern
), alerts AS (
  SELECT pt.pattern, count(a.*) AS alerts,
         count(a.*) FILTER (WHERE EXISTS (SELECT 1 FROM cases c WHERE a.rule_code = ANY (c.rule_codes)
                                            AND c.subject_kind = a.subject_kind AND c.subject_key = a.subject_key)) AS matched
  FROM truth.pattern pt LEFT JOIN demo_alert a ON a.rule_code = ANY (pt.rule_codes) AND a.subject_kind = pt.subject_kind
  GROUP BY pt.pattern
), nm AS (
  SELECT n.pattern, count(*) AS near_misses,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM demo_alert a WHERE a.rule_code = ANY (pt.rule_codes)
                                          AND a.subject_kind = n.subject_kind AND a.subject_key = n.subject_key)) AS nm_flagged
  FROM truth.near_miss n JOIN truth.pattern pt USING (pattern)
  GROUP BY n.pattern
)
SELECT pt.pattern,
       array_to_string(pt.rule_codes, ',') AS rule_codes,
       (SELECT count(*) FROM cases c WHERE c.pattern = pt.pattern) AS planted,
       (SELECT count(*) FROM cases c WHERE c.pattern = pt.pattern AND c.origin = 'incidental') AS "of which incidental",
       coalesce(f.found, 0) AS found,
       al.alerts,
       CASE WHEN (SELECT count(*) FROM cases c WHERE c.pattern = pt.pattern) > 0
            THEN round(coalesce(f.found, 0)::numeric / (SELECT count(*) FROM cases c WHERE c.pattern = pt.pattern), 3) END AS recall,
       CASE WHEN al.alerts > 0 THEN round(al.matched::numeric / al.alerts, 3) END AS precision,
       coalesce(nm.near_misses, 0) AS near_misses,
       coalesce(nm.nm_flagged, 0) AS "near-misses flagged"
FROM truth.pattern pt
LEFT JOIN found f USING (pattern)
LEFT JOIN alerts al USING (pattern)
LEFT JOIN nm USING (pattern)
ORDER BY pt.pattern;

SELECT count(*) AS planted_cases,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM demo_alert a WHERE a.rule_code = ANY (pt.rule_codes)
                                        AND a.subject_kind = p.subject_kind AND a.subject_key = p.subject_key)) AS found,
       (SELECT count(*) FROM demo_alert) AS alerts_total,
       CASE WHEN to_regclass('cleangov.alert') IS NULL THEN 'cleangov.alert not present: no detection has run'
            ELSE 'read from cleangov.alert' END AS note
FROM truth.planted p JOIN truth.pattern pt USING (pattern);
