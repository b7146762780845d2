-- demo/gen/20_reference.sql: scale parameters, planting rates, regions,
-- item categories, units.

-- scale (T = tenders)
INSERT INTO gen.param
SELECT 'enterprises', least(50000, greatest(400, t / 20)) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'units_wanted', greatest(60, t / 20) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'approval_cases', greatest(500, round(t / 5)) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'filings', greatest(300, round(t / 20)) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'penalties', greatest(400, round(t / 10)) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'recipients', greatest(1000, round(t / 4)) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'complaints', greatest(200, round(t / 20)) FROM (SELECT value AS t FROM gen.param WHERE name = 'tenders') s
UNION ALL SELECT 'rate_scale', :'rate_scale'
UNION ALL SELECT 'competitive_threshold', 1000000
UNION ALL SELECT 'small_works_limit', 500000;

CREATE FUNCTION gen.p(n text) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT value FROM gen.param WHERE name = n $$;

-- planting rates (fraction of the eligible subjects; multiplied by rate_scale)
CREATE TABLE gen.plant_rate (
  pattern   text PRIMARY KEY,
  ord       int NOT NULL,
  rate      numeric NOT NULL,
  rate_of   text NOT NULL
);
INSERT INTO gen.plant_rate VALUES
 ('short_submission_period',      1, 0.010, 'open tenders'),
 ('single_bid',                   2, 0.010, 'open and selective tenders'),
 ('price_close_to_winner',        3, 0.010, 'open, selective and limited tenders'),
 ('identical_bid_prices',         4, 0.005, 'open, selective and limited tenders'),
 ('late_bid_won',                 5, 0.005, 'open, selective and limited tenders'),
 ('all_but_winner_disqualified',  6, 0.005, 'open, selective and limited tenders'),
 ('lowest_bid_disqualified',      7, 0.005, 'open, selective and limited tenders'),
 ('shared_contact_bidders',       8, 0.005, 'open, selective and limited tenders'),
 ('related_bidders',              9, 0.005, 'open, selective and limited tenders'),
 ('bid_rigging',                 10, 0.010, 'open and selective tenders'),
 ('small_works_no_draw',         11, 0.040, 'works tenders with an estimate below 480,000 yuan'),
 ('price_above_market',          12, 0.010, 'awarded tenders (one contract each)'),
 ('frequent_changes',            13, 0.010, 'awarded tenders (one contract each)'),
 ('nm_price_above_market',       14, 0.003, 'awarded tenders (near-miss: 19 % over market)'),
 ('nm_short_submission_period',  15, 0.003, 'open tenders (near-miss: exactly 15 days)'),
 ('direct_awards_above_threshold',20, 0.020, 'units (buyer/supplier pairs added)'),
 ('split_purchase',              21, 0.020, 'units (buyer/supplier pairs added)'),
 ('buyer_dependence',            22, 0.010, 'units with at least 3 contracts in a year'),
 ('relative_supplier',           23, 0.020, 'officials with areas of responsibility'),
 ('approval_time_limit',         30, 0.020, 'approval cases'),
 ('out_of_order_steps',          31, 0.020, 'approval cases of kinds with build_start or pay steps'),
 ('discretion_outlier',          32, 0.010, 'penalties'),
 ('three_public_over_budget',    40, 0.020, 'unit x three-public-expense category series'),
 ('land_fee_low',                41, 0.050, 'towns'),
 ('duplicate_filing',            42, 0.020, 'project filings'),
 ('benford_violation',           43, 0.020, 'units'),
 ('favouring_relatives',         50, 0.010, 'officials, their relatives and fiscally paid staff'),
 ('multiple_identities',         51, 0.003, 'persons');
UPDATE gen.plant_rate SET rate = least(0.2, rate * gen.p('rate_scale'));
CREATE FUNCTION gen.rate(n text) RETURNS float8 LANGUAGE sql STABLE AS $$ SELECT rate::float8 FROM gen.plant_rate WHERE pattern = n $$;

-- regions (GB/T 2260)
INSERT INTO gov.region VALUES
 ('320000','江苏省','province',NULL),
 ('320300','徐州市','prefecture','320000'),
 ('320302','鼓楼区','county','320300'),
 ('320303','云龙区','county','320300'),
 ('320305','贾汪区','county','320300'),
 ('320311','泉山区','county','320300'),
 ('320312','铜山区','county','320300'),
 ('320321','丰县','county','320300'),
 ('320322','沛县','county','320300'),
 ('320324','睢宁县','county','320300'),
 ('320381','新沂市','county','320300'),
 ('320382','邳州市','county','320300'),
 ('320100','南京市','prefecture','320000'),
 ('320102','玄武区','county','320100'),
 ('321300','宿迁市','prefecture','320000'),
 ('321302','宿城区','county','321300'),
 ('321322','沭阳县','county','321300'),
 ('320700','连云港市','prefecture','320000'),
 ('320722','东海县','county','320700'),
 ('370000','山东省','province',NULL),
 ('371300','临沂市','prefecture','370000'),
 ('371302','兰山区','county','371300'),
 ('371324','兰陵县','county','371300'),
 ('340000','安徽省','province',NULL),
 ('341300','宿州市','prefecture','340000'),
 ('341302','埇桥区','county','341300');

-- regions where enterprises and persons come from, with weights (slots)
CREATE TABLE gen.home_region (slot int PRIMARY KEY, region_code text NOT NULL);
INSERT INTO gen.home_region
SELECT row_number() OVER (ORDER BY r.code, g) - 1, r.code
FROM (VALUES ('320382',30),('320381',8),('320324',8),('320312',8),('320322',5),('320321',4),('320305',3),
             ('320302',5),('320303',5),('320311',5),('320102',3),('321302',3),('321322',3),('320722',3),
             ('371302',3),('371324',2),('341302',2)) r(code, w),
     generate_series(1, r.w) g;

-- item categories (CPV divisions), with price model and item descriptions
CREATE TABLE gen.cat (
  category text PRIMARY KEY, name text, kind text, weight int, median float8, sigma float8,
  items text[], industry text[], slot_lo int, slot_hi int, block_start bigint, block_size bigint);
INSERT INTO gen.cat (category, name, kind, weight, median, sigma, items, industry) VALUES
 ('09','油料燃料','goods',2,200000,0.8,'{车用成品油,供暖燃料,液化天然气}','{石油化工销售,能源贸易}'),
 ('22','印刷品','goods',2,60000,0.8,'{宣传资料印刷,教材印刷,档案装订}','{印务,彩印包装}'),
 ('30','办公和计算设备','goods',8,150000,0.9,'{台式计算机,笔记本电脑,打印机,复印机,多功能一体机,服务器}','{电子科技,计算机系统,办公设备}'),
 ('32','通信与网络设备','goods',5,400000,1.0,'{视频监控系统设备,网络交换设备,无线通信设备,会议音视频系统}','{通信技术,智能科技}'),
 ('33','医疗设备','goods',6,800000,1.1,'{彩色多普勒超声诊断仪,CT设备,医用耗材,检验试剂,病床及附属设备}','{医疗器械,医药科技}'),
 ('34','车辆','goods',3,350000,0.7,'{公务用车,执法执勤车辆,垃圾清运车,校车,消防车}','{汽车销售服务,专用汽车}'),
 ('39','家具用具','goods',5,120000,0.8,'{办公家具,学生课桌椅,图书馆书架,宿舍床具}','{家具制造,家具}'),
 ('45','建筑工程','works',22,1200000,1.3,'{道路改造工程,校舍维修工程,排水管网改造工程,办公楼装修工程,农村公路建设工程,河道整治工程,老旧小区改造工程,桥梁加固工程}','{建设工程,建筑安装工程,市政工程,路桥工程}'),
 ('55','餐饮住宿服务','services',3,80000,0.8,'{食堂餐饮服务,会议住宿服务}','{餐饮管理,酒店管理}'),
 ('71','工程设计监理','services',6,300000,0.9,'{工程监理服务,勘察设计服务,造价咨询服务}','{工程咨询,建设监理}'),
 ('72','信息技术服务','services',7,350000,1.0,'{政务信息系统开发,数据中心运维服务,网络安全服务,软件维护服务}','{信息技术,软件科技,网络科技}'),
 ('77','农业园林服务','services',5,250000,0.9,'{绿化养护服务,苗木采购及种植,农田水利设施维护}','{园林绿化工程,农业科技}'),
 ('79','商务服务','services',5,150000,0.9,'{审计服务,法律咨询服务,会议服务,第三方评估服务}','{企业管理咨询,会计服务}'),
 ('80','教育培训服务','services',3,100000,0.8,'{教师培训服务,干部培训服务,职业技能培训}','{教育科技,培训服务}'),
 ('85','卫生服务','services',2,200000,0.9,'{健康体检服务,医疗废物处置服务}','{健康管理,环保处置}'),
 ('90','环卫保洁服务','services',8,500000,1.0,'{道路保洁服务,垃圾清运服务,物业保洁服务,污水处理服务}','{环境卫生管理,物业管理,环保科技}');
UPDATE gen.cat c SET slot_lo = s.lo, slot_hi = s.hi,
       block_start = s.bstart, block_size = s.bsize
FROM (SELECT category,
             sum(weight) OVER w - weight AS lo, sum(weight) OVER w AS hi,
             -- enterprises per category: proportional to weight, at least 30
             1 + sum(greatest(30, floor(gen.p('enterprises') * weight / 92))) OVER w
               - greatest(30, floor(gen.p('enterprises') * weight / 92)) AS bstart,
             greatest(30, floor(gen.p('enterprises') * weight / 92)) AS bsize
      FROM gen.cat WINDOW w AS (ORDER BY category)) s
WHERE s.category = c.category;
-- the real number of background enterprises
UPDATE gen.param SET value = (SELECT sum(block_size) FROM gen.cat) WHERE name = 'enterprises';
CREATE TABLE gen.cat_slot AS
SELECT s AS slot, c.category FROM gen.cat c, generate_series(c.slot_lo, c.slot_hi - 1) s;
INSERT INTO gov.category SELECT category, name, kind FROM gen.cat ORDER BY category;

-- units: a fixed universe in hierarchy order; the first n are used
CREATE TABLE gen.county (ord int, region_code text, cname text, gov text);
INSERT INTO gen.county VALUES
 (1,'320382','邳州市','邳州市人民政府'), (2,'320381','新沂市','新沂市人民政府'),
 (3,'320324','睢宁县','睢宁县人民政府'), (4,'320312','铜山区','铜山区人民政府'),
 (5,'320322','沛县','沛县人民政府'),     (6,'320321','丰县','丰县人民政府'),
 (7,'320305','贾汪区','贾汪区人民政府'), (8,'320302','鼓楼区','鼓楼区人民政府'),
 (9,'320303','云龙区','云龙区人民政府'), (10,'320311','泉山区','泉山区人民政府');
CREATE TABLE gen.dept (ord int, function text, name text);
INSERT INTO gen.dept VALUES
 (1,'finance','财政局'),(2,'education','教育局'),(3,'health','卫生健康委员会'),(4,'housing','住房和城乡建设局'),
 (5,'transport','交通运输局'),(6,'water','水务局'),(7,'agriculture','农业农村局'),(8,'natural_resources','自然资源和规划局'),
 (9,'market','市场监督管理局'),(10,'public_security','公安局'),(11,'civil_affairs','民政局'),(12,'hrss','人力资源和社会保障局'),
 (13,'environment','生态环境局'),(14,'urban_management','城市管理局'),(15,'culture','文化广电和旅游局'),(16,'approval','行政审批局'),
 (17,'development','发展和改革委员会'),(18,'commerce','商务局'),(19,'emergency','应急管理局'),(20,'audit','审计局'),
 (21,'statistics','统计局'),(22,'justice','司法局'),(23,'veterans','退役军人事务局'),(24,'medical_insurance','医疗保障局'),
 (25,'science','科学技术局'),(26,'sports','体育局');
CREATE TABLE gen.town (county int, ord int, name text);
INSERT INTO gen.town
SELECT 1, o, n FROM unnest('{官湖镇,邳城镇,四户镇,港上镇,土山镇,碾庄镇,八路镇,铁富镇,岔河镇,陈楼镇,邹庄镇,议堂镇,新河镇,宿羊山镇,占城镇,车辐山镇,赵墩镇,燕子埠镇,八义集镇,戴圩街道,东湖街道,运河街道}'::text[]) WITH ORDINALITY AS x(n, o);
INSERT INTO gen.town
SELECT c, k,
       (ARRAY['王','张','李','刘','陈','杨','赵','黄','周','吴','徐','孙','马','胡','朱','郭','何','罗','高','林'])[1 + ((k * 7 + c * 3) % 240) / 12]
    || (ARRAY['集','庄','楼','圩','店','桥','湖','山','河','口','营','屯'])[1 + ((k * 7 + c * 3) % 240) % 12]
    || '镇'
FROM generate_series(2, 10) c, generate_series(1, 18) k;

CREATE TABLE gen.unit_u AS
SELECT row_number() OVER (ORDER BY c_ord, grp, i1, i2) AS unit_id, *
FROM (
  SELECT c.ord AS c_ord, 0 AS grp, 0 AS i1, 0 AS i2, c.gov AS name, 'government' AS kind, NULL::text AS function, c.region_code, NULL::text AS parent_key, 'gov' AS ukey
  FROM gen.county c
  UNION ALL
  SELECT c.ord, 1, d.ord, 0, c.cname || d.name, 'department', d.function, c.region_code, 'gov', 'd:' || d.function
  FROM gen.county c, gen.dept d
  UNION ALL
  SELECT c.ord, 2, f.o, 0, c.cname || f.n, 'state_firm', f.fn, c.region_code, 'gov', 'f:' || f.fn
  FROM gen.county c, (VALUES (1,'城市建设投资发展有限公司','urban_investment'),(2,'交通控股集团有限公司','transport_holding'),(3,'水务集团有限公司','water_group')) f(o, n, fn)
  UNION ALL
  SELECT c.ord, 3, s.o, 0, c.cname || s.n, 'institution', s.fn, c.region_code, 'd:' || s.p, 'i:' || s.fn
  FROM gen.county c, (VALUES (1,'人民医院','hospital','health'),(2,'中医院','hospital_tcm','health'),(3,'第一中学','school','education'),(4,'实验小学','primary_school','education')) s(o, n, fn, p)
  UNION ALL
  SELECT c.ord, 4, t.ord, 0, t.name || CASE WHEN t.name LIKE '%街道' THEN '办事处' ELSE '人民政府' END, 'town', NULL, c.region_code, 'gov', 't:' || t.ord
  FROM gen.county c JOIN gen.town t ON t.county = c.ord
  UNION ALL
  SELECT c.ord, 4, t.ord, o.o, t.name || o.n, 'town_office', o.fn, c.region_code, 't:' || t.ord, 'o:' || t.ord || ':' || o.o
  FROM gen.county c JOIN gen.town t ON t.county = c.ord,
       (VALUES (1,'财政所','finance'),(2,'规划建设办公室','planning'),(3,'农业农村服务中心','agriculture'),(4,'社会事务办公室','social_affairs')) o(o, n, fn)
) x;
UPDATE gen.param SET value = least((SELECT count(*) FROM gen.unit_u), value) WHERE name = 'units_wanted';

INSERT INTO gov.unit (unit_id, uscc, name, kind, function, region_code, parent_id)
SELECT u.unit_id,
       gen.uscc(CASE u.kind WHEN 'state_firm' THEN '91' WHEN 'institution' THEN '12' ELSE '11' END, u.region_code, 5000000 + u.unit_id),
       u.name, u.kind, u.function, u.region_code, p.unit_id
FROM gen.unit_u u
LEFT JOIN gen.unit_u p ON p.c_ord = u.c_ord AND p.ukey = u.parent_key
WHERE u.unit_id <= gen.p('units_wanted')
ORDER BY u.unit_id;

-- buyers: weighted slots (departments and institutions buy most)
CREATE TABLE gen.buyer_slot AS
SELECT (row_number() OVER (ORDER BY u.unit_id, g) - 1)::int AS slot, u.unit_id
FROM gov.unit u,
     generate_series(1, CASE u.kind WHEN 'department' THEN 6 WHEN 'institution' THEN 6 WHEN 'town' THEN 4
                                    WHEN 'state_firm' THEN 3 WHEN 'government' THEN 2 ELSE 1 END) g;

-- expense categories and approval kinds (reference data in gov)
INSERT INTO gov.expense_category VALUES
 ('hospitality','公务接待费',true), ('official_car','公务用车运行维护费',true), ('travel_abroad','因公出国（境）费',true),
 ('office','办公费',false), ('meeting','会议费',false), ('training','培训费',false);
INSERT INTO gov.approval_kind VALUES
 ('enterprise_registration','企业设立登记',3,'{apply,accept,review,approve}'),
 ('food_business_license','食品经营许可',10,'{apply,accept,review,approve}'),
 ('credit_repair','信用修复',2,'{apply,accept,review,approve}'),
 ('construction_permit','建筑工程施工许可',7,'{apply,accept,review,approve,build_start}'),
 ('land_use_planning','建设用地规划许可',20,'{apply,accept,review,approve,build_start}'),
 ('environmental_assessment','环境影响评价审批',20,'{apply,accept,review,approve,build_start}'),
 ('investment_approval','企业投资项目核准',20,'{apply,accept,review,approve,build_start,pay}'),
 ('fund_allocation','专项资金拨付审批',15,'{apply,accept,review,approve,pay}'),
 ('road_occupation','占道挖掘许可',5,'{apply,accept,review,approve,build_start}');
