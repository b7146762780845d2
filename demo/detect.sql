-- Every detection the extension has, run over the demo database by
-- scripts/demo-in-cluster.sh.  Each feature that lands adds its step here
-- (binding gov.* tables, batch rule runs, index computation, ...).
\set ON_ERROR_STOP on
SELECT 'cleangov ' || cleangov.version() || ' installed' AS status;

\ir bind.sql

\echo '== cleangov.run(): the built-in rule library over the bound gov tables'
SET client_min_messages = warning;
SELECT rule_code, status, rows_read, hits, raised, round(duration_ms) AS ms
  FROM cleangov.run() ORDER BY rule_code;
RESET client_min_messages;
-- ---- end of the rule engine block

-- ---- integrity index (issue 6, engineer index): the Pizhou framework over every
-- unit and person of gov, year 2023.  Complaints per unit and person (D1.1.1) and
-- the alerts raised above (D2.3.1, a SQL-defined indicator) are measured; every
-- other leaf is generated deterministically from a hash of the subject and the
-- indicator (most subjects near the best value, about one in eight with a long
-- tail, so that most units and persons are green, as in the seeds: 23 units and
-- 304 persons warned in a year).
\echo '== integrity index: Pizhou framework (8 / 27 / 45 indicators), 2023'
INSERT INTO cleangov.unit (unit_code, name, name_zh, kind, region_code)
SELECT unit_id::text, name, name, kind, region_code FROM gov.unit
ON CONFLICT (unit_code) DO NOTHING;
INSERT INTO cleangov.index_person (person_key, unit_code, name, name_zh, position)
SELECT p.person_id::text, p.unit_id::text, p.name, p.name, p.position
  FROM gov.person p JOIN cleangov.unit u ON u.unit_code = p.unit_id::text
ON CONFLICT (person_key) DO NOTHING;
SELECT cleangov.index_install_pizhou() AS pizhou_indicators;
WITH s AS (
  SELECT 'unit' AS kind, unit_code AS key FROM cleangov.unit
  UNION ALL SELECT 'person', person_key FROM cleangov.index_person
), h AS (
  SELECT s.*, (hashtext('risk/' || s.kind || s.key) & 2147483647) / 2147483648.0 AS propensity FROM s
)
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
SELECT 'pizhou', i.indicator_code, '2023', h.kind, h.key,
       CASE i.method
         WHEN 'bounds' THEN i.best + (i.worst - i.best) * power(u.u, e.e)
         WHEN 'target' THEN CASE WHEN i.higher_is = 'safer' THEN i.target * (1 - 0.4 * power(u.u, e.e))
                                 ELSE i.target * (1 + power(u.u, e.e)) END
         ELSE floor(6 * power(u.u, e.e)) END
  FROM h
 CROSS JOIN cleangov.indicator i
 CROSS JOIN LATERAL (SELECT (hashtext(h.kind || h.key || '/' || i.indicator_code) & 2147483647) / 2147483648.0 AS u) u
 CROSS JOIN LATERAL (SELECT CASE WHEN h.propensity > 0.97 THEN 1.5 WHEN h.propensity > 0.88 THEN 4 ELSE 40 END AS e) e
 WHERE i.framework_code = 'pizhou' AND i.method IS NOT NULL AND i.source_query IS NULL
   AND i.indicator_code <> 'D1.1.1';
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
SELECT 'pizhou', 'D1.1.1', '2023', k, key, count(c.complaint_id)
  FROM (SELECT 'unit' AS k, unit_code AS key, unit_code AS unit_id, NULL::text AS person_id FROM cleangov.unit
        UNION ALL SELECT 'person', person_key, NULL, person_key FROM cleangov.index_person) s
  LEFT JOIN gov.complaint c
    ON c.received_on >= '2023-01-01' AND c.received_on < '2024-01-01'
   AND (c.about_unit_id::text = s.unit_id OR c.about_person_id::text = s.person_id)
 GROUP BY k, key;
\echo '-- units and persons per band (index3: below 95 blue, below 90 yellow, below 85 red)'
SELECT subject_kind, level, cleangov.level_zh(level) AS level_zh, subjects
  FROM cleangov.index_compute('pizhou', '2023');
\echo '-- unit health report (政治生态体检报告): the 10 lowest units'
SELECT unit_code, unit_name_zh, region_code, composite, level_zh, persons, persons_warned,
       open_alerts, overdue_rectifications, first_level
  FROM cleangov.unit_health_report WHERE framework_code = 'pizhou' AND period = '2023'
 ORDER BY composite, unit_code LIMIT 10;
\echo '-- per region'
SELECT region_code, units, mean_composite, green, blue, yellow, red, persons_warned
  FROM cleangov.region_health_report WHERE framework_code = 'pizhou' AND period = '2023' ORDER BY region_code;
\echo '-- common problems (共性问题): third-level indicators on which most units are weak'
SELECT indicator_code, name_zh, subjects, weak, share_weak, mean_score
  FROM cleangov.index_common_problems
 WHERE framework_code = 'pizhou' AND period = '2023' AND subject_kind = 'unit' AND depth = 3
 ORDER BY rank_in_level, indicator_code LIMIT 5;
\echo '-- integrity profile (廉政画像) of the lowest-scoring person'
SELECT section, item, period, round(value::numeric, 2) AS value, level, left(detail::text, 100) AS detail
  FROM cleangov.person_profile((SELECT subject_key FROM cleangov.index_score
                                 WHERE framework_code = 'pizhou' AND period = '2023' AND subject_kind = 'person'
                                 ORDER BY composite, subject_key LIMIT 1))
 LIMIT 15;
-- ---- end of the integrity index block
