-- Rule engine, part 1c: the shape of a project approval and the code list of
-- authority levels (issue 18, part 3: the investment-project models,
-- doc/project-models.md).
--
-- A project approval (项目审批、核准或备案的决定) is the decision an authority
-- took on an investment project: the level of the authority that took it,
-- the level the project required (the catalogue of approved investment
-- projects, 政府核准的投资项目目录, and a province's catalogue set it by
-- category and amount: 企业投资项目核准和备案管理条例 art. 3), the amount, and
-- how long the decision is valid (two years from the decision, one extension
-- of at most one year: 企业投资项目核准和备案管理办法 art. 38).  The start of
-- building and the payments of a project are steps of cleangov's
-- approval_step shape whose case_id is the project (build_start, pay).  Kept
-- in its own file, after 51_code_lists.sql (which sets the code lists and
-- the date readings of the shapes of 50_shapes.sql), so it sets its own.

INSERT INTO @extschema@.shape (shape, name_en, name_zh, key_column, description) VALUES
 ('project_approval', 'project approval', '项目审批决定', 'approval_id',
  'A decision approving (审批、核准) or registering (备案) an investment project: the level of the authority that took it, the level the project required, the amount, and the validity of the decision (two years from the decision unless valid_until says otherwise, one extension of at most a year: 企业投资项目核准和备案管理办法 art. 38). The start of building and the payments are approval_step rows whose case_id is the project_id (steps build_start and pay).');

INSERT INTO @extschema@.shape_column (shape, column_name, position, type, required, description, code_list, date_reading)
SELECT 'project_approval', c, p, t::regtype, r, d, l, CASE WHEN t = 'timestamptz' THEN w END
  FROM (VALUES
 ('approval_id', 1, 'text', true, 'key of the decision', NULL, NULL),
 ('project_id', 2, 'text', true, 'the project (the approval_step rows of the project carry it as case_id)', NULL, NULL),
 ('approved_at', 3, 'timestamptz', true, 'date of the decision (the validity runs from it)', NULL, 'start'),
 ('authority_level', 4, 'text', false, 'level of the authority that decided (code list authority_level: county, city, province, national)', 'authority_level', NULL),
 ('required_level', 5, 'text', false, 'level the project required by the catalogue of approved investment projects or the province''s (code list authority_level); unbound or NULL: read from amount by the rule''s level_floors', 'authority_level', NULL),
 ('amount', 6, 'numeric', false, 'total investment (yuan)', NULL, NULL),
 ('valid_until', 7, 'timestamptz', false, 'last day the decision is valid; unbound or NULL: valid_years after approved_at (two years: 企业投资项目核准和备案管理办法 art. 38)', NULL, 'end'),
 ('extended_until', 8, 'timestamptz', false, 'last day of an extension granted (NULL: none; at most one year, art. 38)', NULL, 'end'),
 ('unit_code', 9, 'text', false, 'unit (authority) that decided', NULL, NULL),
 ('applicant_id', 10, 'text', false, 'applicant (enterprise or unit)', NULL, NULL),
 ('project_name', 11, 'text', false, 'project name', NULL, NULL)
) v(c, p, t, r, d, l, w);

-- The levels in their order: a higher level may decide what a lower one may,
-- never the reverse.  The rules read the order from their thresholds
-- (levels, lowest first), so a user with another tree (a municipality
-- directly under the central government has no city level) sets it there.
INSERT INTO @extschema@.code_list (list, code, name_en, name_zh, description, origin) VALUES
 ('authority_level', 'county', 'county', '县级', 'A county-level authority (county, county-level city, district); the lowest level of the default order county < city < province < national.', 'cleangov'),
 ('authority_level', 'city', 'city', '市级', 'An authority of a city divided into districts (设区的市); above county, below province.', 'cleangov'),
 ('authority_level', 'province', 'province', '省级', 'A provincial-level authority (province, autonomous region, municipality directly under the central government); above city, below national.', 'cleangov'),
 ('authority_level', 'national', 'national', '国家', 'The State Council or its investment department (国务院投资主管部门); the highest level.', 'cleangov');
