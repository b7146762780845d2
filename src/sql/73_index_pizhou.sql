-- Integrity index, part 4: the Pizhou framework (邳州市政治生态评价体系) as a shipped
-- example: three core elements (政治立场, 政治作风, 政治纪律), 8 first-level,
-- 27 second-level and 45 third-level indicators, for units and persons, yearly.
-- The seed names the shape and the warning cut-offs, not the indicators; the
-- names below are modelled on what the seed says the system looks at.

-- Security definer: the shipped framework is written by the extension's
-- owner, so its SQL-defined indicator D2.3.1 is owned by it (doc/index.md).
CREATE FUNCTION @extschema@.index_install_pizhou(alerts_feed boolean DEFAULT true) RETURNS int
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  n int;
BEGIN
  IF EXISTS (SELECT FROM @extschema@.index_framework WHERE framework_code = 'pizhou') THEN
    RAISE EXCEPTION 'index framework pizhou is already installed' USING ERRCODE = '42710',
      HINT = 'DELETE FROM cleangov.index_framework WHERE framework_code = ''pizhou'' removes it with its indicators, values and results.';
  END IF;
  INSERT INTO @extschema@.index_framework (framework_code, name, name_zh, period_kind, scheme_code,
                                           person_rule, person_share, description)
  VALUES ('pizhou', 'Pizhou political ecology evaluation', '邳州市政治生态评价体系', 'year', 'index3',
          'mean', 0.5,
          'Three core elements (political stance, conduct, discipline), two kinds of subject (units, persons), public satisfaction as the test; 8 / 27 / 45 indicators; below 95 blue, below 90 yellow, below 85 red.');

  -- code, parent, name_zh, name (English), dimension, weight, higher_is, method, worst, best, target,
  -- valid_min, valid_max, unit of measure
  INSERT INTO @extschema@.indicator (framework_code, indicator_code, parent_code, name_zh, name, dimension,
                                     weight, higher_is, method, worst, best, target, valid_min, valid_max,
                                     unit_of_measure, sort_order)
  SELECT 'pizhou', c, p, z, e, d, w, h, m, wo, be, ta, vmin, vmax, u, row_number() OVER ()
    FROM (VALUES
  -- 政治立场 political stance
  ('S1', NULL, '理想信念', 'Ideals and convictions', '政治立场', 1.0, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S1.1', 'S1', '理论学习', 'Theoretical study', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S1.1.1', 'S1.1', '学习制度落实率', 'Study sessions held as planned', '政治立场', 1, 'safer', 'bounds', 60, 100, NULL, 0, 100, '%'),
  ('S1.1.2', 'S1.1', '学习缺勤次数', 'Study sessions missed', '政治立场', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 1000, 'times'),
  ('S1.2', 'S1', '意识形态工作', 'Ideological work', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S1.2.1', 'S1.2', '意识形态责任制落实评分', 'Ideological responsibility system score', '政治立场', 1, 'safer', 'bounds', 60, 100, NULL, 0, 100, 'points'),
  ('S1.2.2', 'S1.2', '意识形态问题数', 'Ideological problems found', '政治立场', 1, 'riskier', 'bounds', 5, 0, NULL, 0, 1000, 'cases'),
  ('S1.3', 'S1', '信仰问题', 'Superstition and religious problems', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S1.3.1', 'S1.3', '信仰问题线索数', 'Leads on belief problems', '政治立场', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'leads'),
  ('S2', NULL, '贯彻落实', 'Implementing decisions', '政治立场', 1.5, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S2.1', 'S2', '重大决策部署落实', 'Major decisions carried out', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S2.1.1', 'S2.1', '督办事项按期完成率', 'Supervised matters finished on time', '政治立场', 1, 'safer', 'target', NULL, NULL, 100, 0, 100, '%'),
  ('S2.1.2', 'S2.1', '督办函件数', 'Supervision letters received', '政治立场', 1, 'riskier', 'bounds', 5, 0, NULL, 0, 1000, 'letters'),
  ('S2.2', 'S2', '三大攻坚战', 'Three tough battles', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S2.2.1', 'S2.2', '扶贫领域问题数', 'Problems in poverty relief', '政治立场', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 1000, 'problems'),
  ('S2.2.2', 'S2.2', '环境信访件数', 'Environmental petitions', '政治立场', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 1000, 'petitions'),
  ('S2.3', 'S2', '高质量发展考核', 'High-quality development assessment', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S2.3.1', 'S2.3', '高质量发展考核得分', 'Assessment score', '政治立场', 1, 'safer', 'bounds', 60, 100, NULL, 0, 100, 'points'),
  ('S2.4', 'S2', '巡视巡察整改', 'Rectification after inspection tours', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S2.4.1', 'S2.4', '巡察整改完成率', 'Inspection findings rectified', '政治立场', 1, 'safer', 'target', NULL, NULL, 100, 0, 100, '%'),
  ('S3', NULL, '政治担当', 'Political responsibility', '政治立场', 1.0, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S3.1', 'S3', '主体责任', 'Primary responsibility', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S3.1.1', 'S3.1', '两个责任落实评分', 'Two responsibilities score', '政治立场', 1, 'safer', 'bounds', 60, 100, NULL, 0, 100, 'points'),
  ('S3.1.2', 'S3.1', '被约谈次数', 'Talks with the unit head', '政治立场', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'talks'),
  ('S3.2', 'S3', '廉政风险防控', 'Integrity risk control', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S3.2.1', 'S3.2', '风险防控制度建立数', 'Risk-control rules set up', '政治立场', 1, 'safer', 'target', NULL, NULL, 5, 0, 1000, 'rules'),
  ('S3.3', 'S3', '三重一大', 'Major decisions (three important, one large)', '政治立场', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('S3.3.1', 'S3.3', '三重一大报备率', 'Major decisions filed', '政治立场', 1, 'safer', 'target', NULL, NULL, 100, 0, 100, '%'),
  ('S3.3.2', 'S3.3', '三重一大未审核事项数', 'Major decisions filed but not reviewed', '政治立场', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 1000, 'matters'),
  -- 政治作风 conduct
  ('C1', NULL, '作风建设', 'Conduct (eight-point rules)', '政治作风', 1.0, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C1.1', 'C1', '中央八项规定精神', 'Eight-point rules', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C1.1.1', 'C1.1', '违反八项规定问题数', 'Breaches of the eight-point rules', '政治作风', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'cases'),
  ('C1.1.2', 'C1.1', '三公经费超预算率', 'Three public expenses over budget', '政治作风', 1, 'riskier', 'bounds', 15, 0, NULL, -100, 1000, '%'),
  ('C1.2', 'C1', '四风问题', 'Four undesirable work styles', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C1.2.1', 'C1.2', '形式主义官僚主义问题数', 'Formalism and bureaucratism cases', '政治作风', 1, 'riskier', 'bounds', 5, 0, NULL, 0, 1000, 'cases'),
  ('C1.3', 'C1', '公务用车和接待', 'Official cars and hospitality', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C1.3.1', 'C1.3', '公车违规使用次数', 'Misuse of official cars', '政治作风', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'times'),
  ('C1.3.2', 'C1.3', '公务接待超标次数', 'Hospitality above the standard', '政治作风', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'times'),
  ('C2', NULL, '履职尽责', 'Diligence', '政治作风', 1.0, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C2.1', 'C2', '群众投诉办理', 'Handling of complaints', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C2.1.1', 'C2.1', '投诉按期办结率', 'Complaints closed on time', '政治作风', 1, 'safer', 'target', NULL, NULL, 95, 0, 100, '%'),
  ('C2.1.2', 'C2.1', '重复投诉率', 'Repeated complaints', '政治作风', 1, 'riskier', 'bounds', 30, 0, NULL, 0, 100, '%'),
  ('C2.2', 'C2', '不作为慢作为', 'Inaction and slow action', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C2.2.1', 'C2.2', '审批超时限件数', 'Approvals past the time limit', '政治作风', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 10000, 'cases'),
  ('C2.2.2', 'C2.2', '被问责人次', 'Persons held accountable', '政治作风', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'persons'),
  ('C2.3', 'C2', '服务效能', 'Service effectiveness', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C2.3.1', 'C2.3', '政务服务好评率', 'Positive ratings of public services', '政治作风', 1, 'safer', 'bounds', 80, 100, NULL, 0, 100, '%'),
  ('C3', NULL, '群众满意度', 'Public satisfaction', '政治作风', 1.5, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C3.1', 'C3', '满意度测评', 'Satisfaction survey', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C3.1.1', 'C3.1', '群众满意率', 'Satisfied respondents', '政治作风', 1, 'safer', 'bounds', 60, 100, NULL, 0, 100, '%'),
  ('C3.1.2', 'C3.1', '民声通差评率', 'Negative ratings on the public voice platform', '政治作风', 1, 'riskier', 'bounds', 20, 0, NULL, 0, 100, '%'),
  ('C3.2', 'C3', '政风热线', 'Conduct hotline', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C3.2.1', 'C3.2', '政风热线投诉数', 'Hotline complaints (robust z among peers)', '政治作风', 1, 'riskier', 'robust_z', 3.5, 0, NULL, 0, 100000, 'complaints'),
  ('C3.3', 'C3', '第三方评估', 'Third-party evaluation', '政治作风', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('C3.3.1', 'C3.3', '第三方评估得分', 'Third-party evaluation score', '政治作风', 1, 'safer', 'bounds', 60, 100, NULL, 0, 100, 'points'),
  -- 政治纪律 discipline
  ('D1', NULL, '廉洁自律', 'Integrity', '政治纪律', 1.5, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D1.1', 'D1', '信访举报', 'Petitions and tips', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D1.1.1', 'D1.1', '信访举报件数', 'Petitions and tips received (percentile among peers)', '政治纪律', 1, 'riskier', 'percentile', NULL, NULL, NULL, 0, 100000, 'items'),
  ('D1.1.2', 'D1.1', '问题线索数', 'Leads on problems', '政治纪律', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'leads'),
  ('D1.2', 'D1', '案件查处', 'Cases', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D1.2.1', 'D1.2', '立案数', 'Cases opened', '政治纪律', 1, 'riskier', 'bounds', 2, 0, NULL, 0, 1000, 'cases'),
  ('D1.2.2', 'D1.2', '党纪政务处分人次', 'Disciplinary sanctions', '政治纪律', 1, 'riskier', 'bounds', 2, 0, NULL, 0, 1000, 'persons'),
  ('D1.3', 'D1', '个人有关事项报告', 'Personal-matter reports', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D1.3.1', 'D1.3', '个人事项漏报瞒报数', 'Personal matters not reported', '政治纪律', 1, 'riskier', 'bounds', 2, 0, NULL, 0, 1000, 'matters'),
  ('D1.3.2', 'D1.3', '重大事项报备及时率', 'Major personal events filed on time', '政治纪律', 1, 'safer', 'target', NULL, NULL, 100, 0, 100, '%'),
  ('D1.4', 'D1', '亲属经商办企业', 'Relatives in business', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D1.4.1', 'D1.4', '亲属关联企业交易数', 'Dealings with relatives'' firms', '政治纪律', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 1000, 'dealings'),
  ('D1.4.2', 'D1.4', '优亲厚友线索数', 'Leads on favouring relatives', '政治纪律', 1, 'riskier', 'bounds', 2, 0, NULL, 0, 1000, 'leads'),
  ('D2', NULL, '纪律执行', 'Discipline enforcement', '政治纪律', 1.0, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D2.1', 'D2', '审计监督', 'Audit', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D2.1.1', 'D2.1', '审计发现问题数', 'Audit findings', '政治纪律', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 1000, 'findings'),
  ('D2.1.2', 'D2.1', '审计问题金额', 'Amount of audit findings', '政治纪律', 1, 'riskier', 'bounds', 500, 0, NULL, 0, 1e9, '10k yuan'),
  ('D2.2', 'D2', '财经纪律', 'Financial discipline', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D2.2.1', 'D2.2', '预算执行偏差率', 'Budget execution deviation', '政治纪律', 1, 'riskier', 'bounds', 30, 0, NULL, 0, 1000, '%'),
  ('D2.2.2', 'D2.2', '违规发放津补贴次数', 'Irregular allowances paid', '政治纪律', 1, 'riskier', 'bounds', 2, 0, NULL, 0, 1000, 'times'),
  ('D2.3', 'D2', '预警处置', 'Alert handling', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D2.3.1', 'D2.3', '风险预警数', 'Alerts raised (other than the index''s own)', '政治纪律', 1, 'riskier', 'bounds', 10, 0, NULL, 0, 100000, 'alerts'),
  ('D2.3.2', 'D2.3', '逾期未整改预警数', 'Alerts overdue for rectification', '政治纪律', 1, 'riskier', 'bounds', 3, 0, NULL, 0, 100000, 'alerts'),
  ('D2.4', 'D2', '制度建设', 'Rule building', '政治纪律', 1, 'safer', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('D2.4.1', 'D2.4', '廉政制度报备数', 'Integrity rules filed', '政治纪律', 1, 'safer', 'target', NULL, NULL, 4, 0, 1000, 'rules')
    ) v(c, p, z, e, d, w, h, m, wo, be, ta, vmin, vmax, u)
   ORDER BY cardinality(string_to_array(c, '.'));

  IF alerts_feed THEN
    -- Alerts feed the index: alerts of the year routed to the unit, or raised on the person.
    UPDATE @extschema@.indicator SET source_query = $q$
      SELECT 'unit' AS subject_kind, a.unit_code AS subject_key, count(*) AS value
        FROM cleangov.alert a JOIN cleangov.unit u ON u.unit_code = a.unit_code
       WHERE left(a.period, 4) = $1 AND a.rule_code NOT LIKE 'IDX\_%'
       GROUP BY a.unit_code
      UNION ALL
      SELECT 'person', a.subject_key, count(*)
        FROM cleangov.alert a JOIN cleangov.index_person p ON p.person_key = a.subject_key
       WHERE a.subject_kind = 'person' AND left(a.period, 4) = $1 AND a.rule_code NOT LIKE 'IDX\_%'
       GROUP BY a.subject_key$q$
     WHERE framework_code = 'pizhou' AND indicator_code = 'D2.3.1';
  END IF;
  SELECT count(*) INTO n FROM @extschema@.indicator WHERE framework_code = 'pizhou';
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.index_install_pizhou(boolean) IS
  'Installs the Pizhou framework (code pizhou): 3 core elements, 8 first-level, 27 second-level, 45 third-level indicators for units and persons, yearly, banded by index3; with alerts_feed, indicator D2.3.1 counts the year''s alerts (other than IDX_*) per unit and person by a SQL query. Returns the number of indicators; 42710 if already installed. Security definer: the shipped indicators are written, and D2.3.1''s query owned, by the extension''s owner. Volatile because it inserts rows; parallel unsafe because it writes.';
