-- PROJ_SPLIT_FILING: one project split into several filings to stay under
-- an approval level (拆分项目规避审批层级).
--
-- The level of authority that decides a project goes by its amount
-- (企业投资项目核准和备案管理条例 art. 3: by the catalogues; {level_floors}
-- the amount from which each level of {levels} decides, cleangov's default
-- limits, not a source's).  Filings of one applicant within {window_days} days
-- of the first, with the same name once phase and section markers are taken
-- out (一期, 二期, 第3标段, ...) or on the same site, each at a level below
-- the one their total reaches.  A filing of a name already among the parts
-- (the same project filed again: FUND_DUPLICATE_FILING) is not another part.
-- One alert per split, on its first filing; a window that starts inside an
-- earlier flagged one of the applicant is that split again.  Value: the
-- total; threshold: the floor it reaches.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROJ_SPLIT_FILING', 'project split into filings under an approval level', '拆分项目规避审批层级', 'approval', 'split filing',
  'project_filing',
  '{"levels": ["county", "city", "province", "national"], "level_floors": [0, 50000000, 500000000, 5000000000], "window_days": 180}', 'yellow',
  'Two or more filings of one applicant within {window_days} days, with the same name once phase and section markers are taken out or on the same site, each below the approval level (by {level_floors}, cleangov''s default limits in yuan for the levels {levels}) that their total reaches.');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'PROJ_SPLIT_FILING',
  'set',
  $$
WITH f AS (
  SELECT f.filing_id, f.applicant_id, f.unit_code, f.filed_at, f.amount, f.project_name,
         lower(regexp_replace(f.project_name, '[[:space:][:punct:]（）【】、，。：；]', '', 'g')) AS name_key,
         nullif(regexp_replace(lower(f.project_name),
                '[[:space:][:punct:]（）【】、，。：；0-9０-９〇零一二三四五六七八九十百第期段标ⅠⅡⅢⅣⅤⅥ]|phase|section|lot', '', 'g'), '') AS stem,
         nullif(lower(regexp_replace(f.location, '[[:space:][:punct:]（）【】、，。：；]', '', 'g')), '') AS site,
         (SELECT count(*)::int FROM unnest({level_floors}) x WHERE x <= f.amount) AS lvl
    FROM cleangov_bound.project_filing f
   WHERE f.applicant_id IS NOT NULL AND f.amount IS NOT NULL AND f.filed_at IS NOT NULL),
p AS (
  SELECT DISTINCT ON (c.filing_id, o.name_key) c.filing_id AS first_id, c.applicant_id, c.unit_code, c.filed_at AS first_at,
         o.filing_id, o.filed_at, o.amount, o.lvl
    FROM f c JOIN f o ON o.applicant_id = c.applicant_id
                     AND (o.filed_at, o.filing_id) >= (c.filed_at, c.filing_id)
                     AND o.filed_at <= c.filed_at + make_interval(days => {window_days}::int)
                     AND (o.stem = c.stem OR o.site = c.site)
   ORDER BY c.filing_id, o.name_key, o.filed_at, o.filing_id),
w AS (
  SELECT p.first_id, p.applicant_id, p.unit_code, p.first_at, count(*) AS parts, sum(p.amount) AS total, max(p.lvl) AS part_lvl,
         array_agg(p.filing_id ORDER BY p.filed_at, p.filing_id) AS filings
    FROM p
   GROUP BY p.first_id, p.applicant_id, p.unit_code, p.first_at
  HAVING count(*) >= 2),
t AS (
  SELECT w.*, (SELECT count(*)::int FROM unnest({level_floors}) x WHERE x <= w.total) AS total_lvl FROM w),
hit AS (SELECT t.* FROM t WHERE t.total_lvl > t.part_lvl)
SELECT h.first_id AS subject_key, h.unit_code, '' AS period, h.total::float8 AS value,
       (({level_floors})[h.total_lvl])::float8 AS threshold,
       jsonb_build_object('applicant_id', h.applicant_id, 'filings', to_jsonb(h.filings), 'parts', h.parts, 'total', h.total,
                          'parts_level', ({levels})[h.part_lvl], 'total_level', ({levels})[h.total_lvl]) AS evidence
  FROM hit h
 WHERE NOT EXISTS (SELECT FROM hit e WHERE e.applicant_id = h.applicant_id AND (e.first_at, e.first_id) < (h.first_at, h.first_id)
                                      AND h.first_id = ANY (e.filings))$$,
  '{project_filing.amount, project_filing.applicant_id, project_filing.filed_at}'::text[],
  '{"project_filing.location": "filings are matched by name alone, not by site", "project_filing.unit_code": "alerts carry no unit"}'::jsonb);
