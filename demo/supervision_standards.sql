-- Tiered standards over the demo (issue 17 part 7, doc/standards.md; seed 001
-- Q3: the province sets the standard, the city picks its focus, the county
-- executes).  Run by scripts/demo-in-cluster.sh last: it re-runs R003 under
-- the tiers, which changes R003's alerts after the scoreboards have read them.
--   province 320000 (Jiangsu): R003's shortest submission period raised from
--     Cardinal's 15 days to the 20 days of the Government Procurement Law,
--     art. 35 (自招标文件开始发出之日起至投标人提交投标文件截止之日止，不得少于二十日);
--   county 320382 (Pizhou): the province's 20 days, rectification within 10
--     days instead of the rule's;
--   one Pizhou bureau (a unit scope: the unit with the most tenders open for
--     under 10 days): 10 days, laxer than its county: the deviation that cleangov.standard_deviation shows.
-- (At the demo's default scale every unit is in Pizhou; at larger scales the
-- other Xuzhou counties take the province's standard.)
-- The check is independent of cleangov: the tenders whose submission period
-- (whole days, as R003 counts them) is under their county's tier, from
-- gov.tender and gov.unit, against the R003 alerts of this run by the
-- standard their evidence names.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SET TimeZone = 'UTC';

INSERT INTO cleangov.rule_standard (standard_code, rule_code, region_code, thresholds, rectify_days, note) VALUES
 ('JS-R003', 'R003', '320000', '{"threshold": 20}', NULL,
  'Jiangsu: 20 days, Government Procurement Law art. 35'),
 ('PZ-R003', 'R003', '320382', '{"threshold": 20}', 10,
  'Pizhou executes the province''s 20 days, rectification within 10 days');
-- the bureau: the Pizhou unit with the most tenders open for under 10 days
SELECT t.buyer_unit_id AS std_unit FROM gov.tender t JOIN gov.unit u ON u.unit_id = t.buyer_unit_id
 WHERE u.region_code = '320382' AND t.status <> 'cancelled'
   AND trunc(extract(epoch FROM t.submission_deadline - t.published_at) / 86400) < 10
 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 \gset
INSERT INTO cleangov.rule_standard (standard_code, rule_code, unit_code, thresholds, note)
VALUES ('PZBUR-R003', 'R003', :'std_unit', '{"threshold": 10}', 'one bureau: 10 days');

SELECT clock_timestamp() AS std_t0 \gset
SELECT count(*) AS std_runs FROM cleangov.run(rule_code => 'R003') \gset

CREATE TEMP TABLE std_expected AS
SELECT t.tender_id::text AS subject_key,
       CASE WHEN u.unit_id = :std_unit THEN 'PZBUR-R003' WHEN u.region_code = '320382' THEN 'PZ-R003'
            WHEN u.region_code LIKE '32%' THEN 'JS-R003' END AS standard,
       CASE WHEN u.unit_id = :std_unit THEN 10 WHEN u.region_code LIKE '32%' THEN 20 ELSE 15 END AS days
  FROM gov.tender t JOIN gov.unit u ON u.unit_id = t.buyer_unit_id
 WHERE t.status <> 'cancelled'
   AND trunc(extract(epoch FROM t.submission_deadline - t.published_at) / 86400)
       < CASE WHEN u.unit_id = :std_unit THEN 10 WHEN u.region_code LIKE '32%' THEN 20 ELSE 15 END;
CREATE TEMP TABLE std_found AS
SELECT a.subject_key, a.evidence ->> 'standard' AS standard, (a.evidence ->> 'threshold_days')::numeric AS days, extract(day FROM a.due_at - a.raised_at) AS due_days
  FROM cleangov.alert a
 WHERE a.rule_code = 'R003' AND coalesce(a.refreshed_at, a.raised_at) >= :'std_t0';

\echo '== Tiered standards (issue 17: doc/standards.md): R003 under the province, county and bureau tiers'
SELECT coalesce(e.standard, f.standard, '(the rule''s own)') AS standard,
       count(e.subject_key) AS expected_from_gov_tender, count(f.subject_key) AS alerts,
       count(*) FILTER (WHERE e.subject_key IS NULL OR f.subject_key IS NULL
                           OR e.standard IS DISTINCT FROM f.standard OR e.days <> f.days) AS differ,
       min(f.days) AS days_under, min(f.due_days) FILTER (WHERE f.due_days IS NOT NULL) AS due_days_min
  FROM std_expected e FULL JOIN std_found f USING (subject_key)
 GROUP BY 1 ORDER BY 1;
\echo '-- where a tier departs from the tier above (cleangov.standard_deviation)'
SELECT standard_code, scope, setting, above_value, value, deviates_from
  FROM cleangov.standard_deviation WHERE rule_code = 'R003' ORDER BY standard_code, setting;
