-- FUND_DUPLICATE_FILING: duplicate project filing (项目重复备案)
--
-- A project filed again by the same applicant under the same name (spaces and
-- case ignored) as an earlier filing (seed 004).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('FUND_DUPLICATE_FILING', 'duplicate project filing', '项目重复备案', 'funds', 'duplicate filing', 'project_filing',
  '{}', 'yellow',
  'A project filed again by the same applicant under the same name (spaces and case ignored) as an earlier filing (seed 004).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'FUND_DUPLICATE_FILING',
  'set',
  $$
WITH f AS (
  SELECT f.*, lower(regexp_replace(f.project_name, '\s', '', 'g')) AS name_key FROM cleangov_bound.project_filing f)
SELECT f.filing_id AS subject_key, f.unit_code, '' AS period, count(*)::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('project_name', f.project_name, 'earlier_filings', jsonb_agg(o.filing_id ORDER BY o.filed_at, o.filing_id)) AS evidence
  FROM f JOIN f o ON o.name_key = f.name_key AND o.applicant_id IS NOT DISTINCT FROM f.applicant_id
                 AND (o.filed_at, o.filing_id) < (f.filed_at, f.filing_id)
 GROUP BY f.filing_id, f.unit_code, f.project_name$$,
  '{}'::text[],
  '{"project_filing.applicant_id": "filings of one name by different applicants count as duplicates", "project_filing.filed_at": "the earlier filing is the one with the smaller key", "project_filing.unit_code": "alerts carry no unit"}'::jsonb);
