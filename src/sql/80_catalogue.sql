-- The risk catalogue: seed 001's risk map (8 high-risk domains, 23 risk
-- scenarios) as the one list that rules (cleangov.rule.domain, .scenario)
-- and risk registers (81_risk_register.sql) refer to.  See doc/risk-register.md.
--
-- The domains are the rows of cleangov.domain_info (12_units_rules.sql);
-- map_position marks the eight on the map.  The scenarios are a new table
-- whose key is the text rules already carry in cleangov.rule.scenario, so
-- that every rule keeps its row and a foreign key now holds the rule to the
-- catalogue.  A rule's domain stays free (a domain need not be listed, as
-- before); a rule's scenario must be a scenario of the catalogue (a user
-- adds scenarios of its own as rows, which pg_dump keeps).

ALTER TABLE @extschema@.domain_info
  ADD COLUMN map_position smallint UNIQUE CHECK (map_position BETWEEN 1 AND 8);
COMMENT ON COLUMN @extschema@.domain_info.map_position IS
  'Position on seed 001''s risk map (风险地图: 8 high-risk domains, 1 to 8); NULL for a domain that is not on the map (relationships, the integrity index, a user''s own domain).';

-- Seed 001 names three of the eight domains (工程建设, 国企国资, 民生资金);
-- the other five are the domains the seeds name as prone to corruption
-- (seed 001: 行政审批、行政执法、资金管理; seed 000: 土地出让; seed 003/000:
-- 选人用人).  Relationships and the integrity index cut across them.
UPDATE @extschema@.domain_info d SET map_position = m.pos
  FROM (VALUES ('procurement', 1), ('state_assets', 2), ('subsidies', 3), ('funds', 4),
               ('land', 5), ('approval', 6), ('enforcement', 7), ('personnel', 8)) m(domain, pos)
 WHERE d.domain = m.domain;

CREATE TABLE @extschema@.risk_scenario (
  scenario  text PRIMARY KEY,
  domain    text NOT NULL REFERENCES @extschema@.domain_info (domain) ON UPDATE CASCADE,
  label_en  text NOT NULL,
  label_zh  text NOT NULL,
  seed      text,
  shipped   boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  CHECK (scenario <> '')
);
CREATE INDEX risk_scenario_domain_idx ON @extschema@.risk_scenario (domain);
COMMENT ON TABLE @extschema@.risk_scenario IS
  'Risk scenarios (具体风险情形) of the catalogue, each in one domain of cleangov.domain_info: seed 001''s risk map has 23 in its 8 high-risk domains. The key is the text rules carry in cleangov.rule.scenario (a foreign key) and risk points in cleangov.risk_point.scenario. seed: the seed document that names the scenario (NULL: cleangov''s own, from a rule). Shipped rows are left out of pg_dump until changed.';
COMMENT ON COLUMN @extschema@.risk_scenario.seed IS
  'The seed document that names the scenario (''000'' ... ''004''), NULL when the scenario is cleangov''s own (it comes from a rule of the library).';
CREATE TRIGGER risk_scenario_changed BEFORE UPDATE ON @extschema@.risk_scenario
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER risk_scenario_restore BEFORE INSERT ON @extschema@.risk_scenario
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('scenario');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_scenario', 'WHERE NOT shipped');

INSERT INTO @extschema@.risk_scenario (scenario, domain, label_en, label_zh, seed) VALUES
  -- 1 工程建设 / procurement
  ('bid rigging',            'procurement', 'bid rigging',                                   '围标串标', '001'),
  ('split purchase',         'procurement', 'split purchase to avoid tendering',             '规避招标、拆分采购', '001'),
  ('small works',            'procurement', 'small works not drawn by lot',                  '限额以下工程未随机抽取', '001'),
  ('inflated price',         'procurement', 'winning price above the market',                '中标价高于市场均价', '001'),
  ('frequent changes',       'procurement', 'frequent changes of projects and contracts',    '项目频繁变更', '004'),
  ('eating off enterprises', 'procurement', 'eating off enterprises',                        '靠企吃企', '001'),
  -- 2 国企国资 / state firms and assets
  ('related-party transactions', 'state_assets', 'benefits passed through related-party transactions', '关联交易利益输送', '001'),
  ('overseas investment',    'state_assets', 'overseas investment decided against the rules', '境外投资违规决策', '001'),
  -- 3 民生资金 / subsidies and benefits
  ('favouring relatives',    'subsidies', 'favouring relatives in granting benefits',      '优亲厚友', '001'),
  ('diverted housing funds', 'subsidies', 'dilapidated-housing funds withheld or diverted', '危房改造资金截留挪用', '001'),
  ('ineligible recipients',  'subsidies', 'fiscally paid staff among benefit recipients',  '财政供养人员违规领取补贴', '003'),
  -- 4 财政资金 / public funds
  ('over budget',            'funds', 'three public expenses over budget',               '三公经费超预算', '001'),
  ('special funds misuse',   'funds', 'special funds withheld or diverted',              '专项资金截留挪用', '002'),
  ('duplicate filing',       'funds', 'duplicate project filing',                        '项目重复备案', '004'),
  ('fabricated amounts',     'funds', 'fabricated amounts (digit distribution)',         '虚列金额（数字分布异常）', NULL),
  -- 5 土地出让 / land and resources
  ('fee collection',         'land', 'land-transfer fees not collected',                 '土地出让金收缴率低', '001'),
  ('fee waiver',             'land', 'land-transfer fees waived against the rules',      '违规减免土地出让金', '001'),
  -- 6 行政审批 / administrative approval
  ('built before approval',  'approval', 'built before approval, steps out of order',    '未批先建、环节倒置', '004'),
  ('time limit exceeded',    'approval', 'statutory time limit exceeded',                '超时限办理', '000'),
  ('directed matching',      'approval', 'a rotation that keeps matching one reviewer to one applicant', '评审轮候定向匹配', '004'),
  -- 7 行政执法 / administrative enforcement
  ('discretion',             'enforcement', 'discretion too light or too heavy',         '自由裁量畸轻畸重', '000'),
  ('selective enforcement',  'enforcement', 'selective or favour-based enforcement',     '选择性执法、人情执法', '001'),
  -- 8 选人用人与干部作风 / personnel and officials' conduct
  ('identity fraud',         'personnel', 'one person under several identities',         '一人多身份', '003'),
  ('reporting duties',       'personnel', 'reporting duties not met (three filings)',    '三报备不及时、不报备', '003'),
  -- off the map: they cut across the eight domains
  ('conflict of interest',   'relations', 'relatives'' business in the official''s area', '亲属经商与分管领域重合', '001'),
  ('unit health',            'integrity', 'unit integrity index low',                    '单位政治生态指数偏低', '003'),
  ('person profile',         'integrity', 'person integrity index low',                  '个人廉政指数偏低', '003'),
  -- the supervisors' own work: clues and orders not handled as required
  ('clue handling',          'supervision', 'case clues not handled within the rules',   '问题线索处置不规范', '002'),
  ('orders unanswered',      'supervision', 'supervision orders not answered in time',   '督办事项落实不力', '003');

-- Every shipped rule's scenario is in the catalogue (the library and the
-- index are installed before this file): the constraint is validated here.
ALTER TABLE @extschema@.rule
  ADD CONSTRAINT rule_scenario_fkey FOREIGN KEY (scenario)
      REFERENCES @extschema@.risk_scenario (scenario) ON UPDATE CASCADE;

GRANT SELECT ON @extschema@.risk_scenario TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT INSERT, UPDATE, DELETE ON @extschema@.risk_scenario TO cleangov_admin;

-- The catalogue as one list: domain, scenario, and the enabled rules filed
-- under the scenario.
CREATE VIEW @extschema@.risk_catalogue WITH (security_invoker = true) AS
SELECT d.map_position, d.domain, d.label_en AS domain_en, d.label_zh AS domain_zh,
       s.scenario, s.label_en AS scenario_en, s.label_zh AS scenario_zh, s.seed,
       d.map_position IS NOT NULL AS on_map,
       coalesce((SELECT array_agg(r.rule_code ORDER BY r.rule_code) FROM @extschema@.rule r
                  WHERE r.scenario = s.scenario AND r.enabled), '{}') AS rules
  FROM @extschema@.risk_scenario s
  JOIN @extschema@.domain_info d ON d.domain = s.domain;
COMMENT ON VIEW @extschema@.risk_catalogue IS
  'The risk catalogue: every scenario with its domain, its position on seed 001''s risk map (on_map: one of the 8 high-risk domains), the seed that names it and the enabled rules filed under it.';
GRANT SELECT ON @extschema@.risk_catalogue TO cleangov_admin, cleangov_inspector, cleangov_analyst;
