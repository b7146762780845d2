-- Data of the county sample database (test/county/schema.sql): 300
-- unremarkable tenders with their bids and contracts, 200 approval cases with
-- their steps, and the planted cases listed in test/county/expected.tsv.
-- Deterministic (no random()): the same rows on every load.
--
-- The background is built so that no rule fires on it by chance: every
-- firm QY001..QY030 bids in 30 tenders and wins 10 (R025, R038 see no
-- outlier), every buyer DW01..DW10 has one contract per supplier (R055,
-- split purchase and buyer dependence see no pair), the gap between winning
-- and second bid is 3 % to 7 % (R024, R058), deadlines are 20 to 29 days
-- after publication (R003), bids come two days before the deadline (R030),
-- cases are decided within 12 days of a 15 or 20 day limit.

-- Background tenders YLX-2025-0001 .. 0300.  w: winning bid, a multiple of
-- 100, so that the bids at whole percentages above it are exact.
CREATE TEMPORARY TABLE g AS
SELECT i, format('YLX-2025-%s', lpad(i::text, 4, '0')) AS xmbh,
       'DW' || lpad(((i - 1) / 30 + 1)::text, 2, '0') AS cgdw,
       100 * (1000 + (i * 79) % 3000) AS w,
       (3 + i % 5) AS gap,
       date '2025-01-06' + i AS fbrq,
       date '2025-01-06' + i + 20 + i % 10 AS jzsj
  FROM generate_series(1, 300) i;

INSERT INTO ylx.zb_xm (xmbh, xmmc, cgdw, dwbm, cgfs, pmlb, pmdm, fbrq, jzsj, ysje, zt)
SELECT xmbh, format('%s第%s号采购项目', cgdw, i), cgdw, cgdw,
       CASE i % 10 WHEN 7 THEN '邀请招标' WHEN 8 THEN '竞争性谈判' WHEN 9 THEN '单一来源' ELSE '公开招标' END,
       CASE i % 3 WHEN 0 THEN '工程' WHEN 1 THEN '货物' ELSE '服务' END,
       CASE i % 3 WHEN 0 THEN 'B0' || (1 + i % 4) WHEN 1 THEN 'A0' || (1 + i % 6) ELSE 'C0' || (1 + i % 5) END,
       fbrq, jzsj,
       CASE WHEN i % 97 = 0 THEN '' ELSE (w + 30000)::text || '.00' END,
       CASE WHEN i % 50 = 0 THEN '已完成' ELSE '进行中' END
  FROM g;

-- Three bids per tender, by firms k, k+1, k+2 (mod 30); firm k wins.
INSERT INTO ylx.tbxx (xmbh, tbdw, tbbj, tbsj, zt)
SELECT g.xmbh, 'QY' || lpad(((g.i - 1 + j) % 30 + 1)::text, 3, '0'),
       CASE j WHEN 0 THEN g.w ELSE g.w * (100 + g.gap + 2 * (j - 1)) / 100 END,
       (g.jzsj - 2) + time '10:00' + make_interval(hours => j), '有效'
  FROM g CROSS JOIN generate_series(0, 2) j;

INSERT INTO ylx.htxx (htbh, xmbh, gysdm, htje, qdrq, htzt)
SELECT 'HT-' || g.xmbh, g.xmbh, 'QY' || lpad(((g.i - 1) % 30 + 1)::text, 3, '0'), g.w, g.jzsj + 10,
       CASE WHEN g.i % 50 = 0 THEN '已完成' ELSE '履行中' END
  FROM g;

-- Price inquiries for every 20th project, at 5 % above the contract.
INSERT INTO ylx.xj_jl (xmbh, scjg, xjrq)
SELECT g.xmbh, g.w * 105 / 100, g.fbrq - 5 FROM g WHERE g.i % 20 = 0;

-- Background approval cases SX0001 .. SX0200, decided in 3 to 12 days.
INSERT INTO ylx.sp_sx (sxbh, sxlb, sqr, dwbm, slrq, bjrq, cnsx)
SELECT 'SX' || lpad(i::text, 4, '0'),
       CASE i % 3 WHEN 0 THEN '建设工程规划许可' WHEN 1 THEN '施工许可' ELSE '信用修复' END,
       'SQ' || lpad((i % 40)::text, 3, '0'), 'DW' || lpad((i % 10 + 1)::text, 2, '0'),
       date '2025-03-03' + i, date '2025-03-03' + i + 3 + i % 10,
       CASE WHEN i % 4 = 0 THEN 15 ELSE 20 END
  FROM generate_series(1, 200) i;

-- Steps of the first 100 cases in the statutory order; the first four also
-- have an acceptance step (验收), a step the county records and cleangov's
-- step list has no code for.
INSERT INTO ylx.sp_hj (sxbh, hjmc, wcrq, jbr)
SELECT c.sxbh, s.hjmc, c.bjrq + s.after, 'JB' || lpad((i % 7)::text, 2, '0')
  FROM (SELECT i, 'SX' || lpad(i::text, 4, '0') AS sxbh, date '2025-03-03' + i + 3 + i % 10 AS bjrq
          FROM generate_series(1, 100) i) c
 CROSS JOIN LATERAL (VALUES ('审批', 0), ('施工', 5 + c.i % 7), ('付款', 40), ('验收', 90)) s(hjmc, after)
 WHERE s.hjmc <> '验收' OR c.i <= 4;

-- Planted cases (test/county/expected.tsv).  Buyers DW11..DW21 have fewer
-- than five contracts each, so buyer dependence stays quiet.
INSERT INTO ylx.zb_xm (xmbh, xmmc, cgdw, dwbm, cgfs, pmlb, pmdm, fbrq, jzsj, ysje, zt) VALUES
 ('YLX-P-R003',   '办公家具采购 (截止期7天)',       'DW11', 'DW11', '公开招标',   '货物', 'A03', '2026-03-02', '2026-03-09', '330000.00', '进行中'),
 ('YLX-P-FZ',     '已废止项目 (截止期5天)',         'DW11', 'DW11', '公开招标',   '货物', 'A03', '2026-03-02', '2026-03-07', '330000.00', '已废止'),
 ('YLX-P-R018',   '监控设备采购 (一家投标)',        'DW12', 'DW12', '公开招标',   '货物', 'A04', '2026-03-02', '2026-03-25', '430000.00', '进行中'),
 ('YLX-P-R024',   '道路养护 (次低价过近)',          'DW13', 'DW13', '公开招标',   '服务', 'C02', '2026-03-02', '2026-03-25', '530000.00', '进行中'),
 ('YLX-P-R058',   '绿化工程设计 (中标价异常低)',    'DW14', 'DW14', '公开招标',   '服务', 'C03', '2026-03-02', '2026-03-25', '700000.00', '进行中'),
 ('YLX-P-R028',   '教学设备采购 (报价雷同)',        'DW15', 'DW15', '公开招标',   '货物', 'A05', '2026-03-02', '2026-03-25', '330000.00', '进行中'),
 ('YLX-P-R030',   '食堂服务 (逾期投标中标)',        'DW16', 'DW16', '公开招标',   '服务', 'C04', '2026-03-20', '2026-04-10', '230000.00', '进行中'),
 ('YLX-P-ONTIME', '保洁服务 (截止日当天投标)',      'DW17', 'DW17', '公开招标',   '服务', 'C04', '2026-03-20', '2026-04-10', '230000.00', '进行中'),
 ('YLX-P-R035',   '车辆维修 (他人均被废标)',        'DW18', 'DW18', '公开招标',   '服务', 'C05', '2026-03-02', '2026-03-25', '280000.00', '进行中'),
 ('YLX-P-R036',   '印刷服务 (最低价被废)',          'DW19', 'DW19', '公开招标',   '服务', 'C01', '2026-03-02', '2026-03-25', '230000.00', '进行中'),
 ('YLX-P-DX1',    '软件运维一期 (单一来源)',        'DW03', 'DW03', '单一来源',   '服务', 'C02', '2026-04-01', '2026-04-20', '620000.00', '进行中'),
 ('YLX-P-DX2',    '软件运维二期 (单一来源)',        'DW03', 'DW03', '单一来源',   '服务', 'C02', '2026-06-01', '2026-06-20', '620000.00', '进行中'),
 ('YLX-P-XJ1',    '办公用品一批 (询价)',            'DW05', 'DW05', '询价',       '货物', 'A01', '2026-05-01', '2026-05-20', '210000.00', '进行中'),
 ('YLX-P-XJ2',    '办公用品二批 (询价)',            'DW05', 'DW05', '询价',       '货物', 'A01', '2026-05-15', '2026-06-05', '210000.00', '进行中'),
 ('YLX-P-XJ3',    '办公用品三批 (询价)',            'DW05', 'DW05', '询价',       '货物', 'A01', '2026-06-01', '2026-06-20', '210000.00', '进行中'),
 ('YLX-P-SCJ',    '空调采购 (高于市场价)',          'DW20', 'DW20', '公开招标',   '货物', 'A02', '2026-03-02', '2026-03-25', '330000.00', '进行中'),
 ('YLX-P-ZF',     '会议服务 (作废投标)',            'DW21', 'DW21', '公开招标',   '服务', 'C03', '2026-03-02', '2026-03-25', '280000.00', '进行中');

INSERT INTO ylx.tbxx (xmbh, tbdw, tbbj, tbsj, zt) VALUES
 ('YLX-P-R003',   'QY901', 300000, '2026-03-08 10:00', '有效'),
 ('YLX-P-R003',   'QY902', 315000, '2026-03-08 11:00', '有效'),
 ('YLX-P-R003',   'QY903', 321000, '2026-03-08 12:00', '有效'),
 ('YLX-P-R018',   'QY904', 400000, '2026-03-20 10:00', '有效'),
 ('YLX-P-R024',   'QY905', 500000, '2026-03-20 10:00', '有效'),
 ('YLX-P-R024',   'QY906', 501000, '2026-03-20 11:00', '有效'),
 ('YLX-P-R024',   'QY907', 530000, '2026-03-20 12:00', '有效'),
 ('YLX-P-R058',   'QY908', 400000, '2026-03-20 10:00', '有效'),
 ('YLX-P-R058',   'QY909', 600000, '2026-03-20 11:00', '有效'),
 ('YLX-P-R058',   'QY910', 640000, '2026-03-20 12:00', '有效'),
 ('YLX-P-R028',   'QY911', 300000, '2026-03-20 10:00', '有效'),
 ('YLX-P-R028',   'QY912', 330000, '2026-03-18 09:00', '撤回'),
 ('YLX-P-R028',   'QY912', 315000, '2026-03-20 11:00', '有效'),
 ('YLX-P-R028',   'QY913', 315000, '2026-03-20 12:00', '有效'),
 ('YLX-P-R030',   'QY914', 200000, '2026-04-11 09:30', '有效'),
 ('YLX-P-R030',   'QY915', 210000, '2026-04-08 10:00', '有效'),
 ('YLX-P-ONTIME', 'QY916', 200000, '2026-04-10 16:00', '有效'),
 ('YLX-P-ONTIME', 'QY917', 210000, '2026-04-09 10:00', '有效'),
 ('YLX-P-R035',   'QY918', 250000, '2026-03-20 10:00', '有效'),
 ('YLX-P-R035',   'QY919', 260000, '2026-03-20 11:00', '无效'),
 ('YLX-P-R035',   'QY920', 270000, '2026-03-20 12:00', '无效'),
 ('YLX-P-R036',   'QY921', 180000, '2026-03-20 10:00', '无效'),
 ('YLX-P-R036',   'QY922', 200000, '2026-03-20 11:00', '有效'),
 ('YLX-P-R036',   'QY923', 210000, '2026-03-20 12:00', '有效'),
 ('YLX-P-DX1',    'QY924', 600000, '2026-04-18 10:00', '有效'),
 ('YLX-P-DX2',    'QY924', 600000, '2026-06-18 10:00', '有效'),
 ('YLX-P-XJ1',    'QY925', 200000, '2026-05-18 10:00', '有效'),
 ('YLX-P-XJ2',    'QY925', 200000, '2026-06-03 10:00', '有效'),
 ('YLX-P-XJ3',    'QY925', 200000, '2026-06-18 10:00', '有效'),
 ('YLX-P-SCJ',    'QY926', 300000, '2026-03-20 10:00', '有效'),
 ('YLX-P-SCJ',    'QY927', 315000, '2026-03-20 11:00', '有效'),
 ('YLX-P-SCJ',    'QY928', 324000, '2026-03-20 12:00', '有效'),
 ('YLX-P-ZF',     'QY929', 250000, '2026-03-20 10:00', '有效'),
 ('YLX-P-ZF',     'QY930', 262500, '2026-03-20 11:00', '作废'),
 ('YLX-P-ZF',     'QY931', 267500, '2026-03-20 12:00', '作废');

INSERT INTO ylx.htxx (htbh, xmbh, gysdm, htje, qdrq, htzt) VALUES
 ('HT-YLX-P-R003',   'YLX-P-R003',   'QY901', 300000, '2026-03-20', '履行中'),
 ('HT-YLX-P-R018',   'YLX-P-R018',   'QY904', 400000, '2026-04-05', '履行中'),
 ('HT-YLX-P-R024',   'YLX-P-R024',   'QY905', 500000, '2026-04-05', '履行中'),
 ('HT-YLX-P-R058',   'YLX-P-R058',   'QY908', 400000, '2026-04-05', '履行中'),
 ('HT-YLX-P-R028',   'YLX-P-R028',   'QY911', 300000, '2026-04-05', '履行中'),
 ('HT-YLX-P-R030',   'YLX-P-R030',   'QY914', 200000, '2026-04-20', '履行中'),
 ('HT-YLX-P-ONTIME', 'YLX-P-ONTIME', 'QY916', 200000, '2026-04-20', '履行中'),
 ('HT-YLX-P-R035',   'YLX-P-R035',   'QY918', 250000, '2026-04-05', '履行中'),
 ('HT-YLX-P-R036',   'YLX-P-R036',   'QY922', 200000, '2026-04-05', '履行中'),
 ('HT-YLX-P-DX1',    'YLX-P-DX1',    'QY924', 600000, '2026-05-01', '履行中'),
 ('HT-YLX-P-DX2',    'YLX-P-DX2',    'QY924', 600000, '2026-07-01', '履行中'),
 ('HT-YLX-P-XJ1',    'YLX-P-XJ1',    'QY925', 200000, '2026-06-01', '履行中'),
 ('HT-YLX-P-XJ2',    'YLX-P-XJ2',    'QY925', 200000, '2026-06-15', '履行中'),
 ('HT-YLX-P-XJ3',    'YLX-P-XJ3',    'QY925', 200000, '2026-06-29', '履行中'),
 ('HT-YLX-P-SCJ',    'YLX-P-SCJ',    'QY926', 300000, '2026-04-05', '履行中'),
 ('HT-YLX-P-ZF',     'YLX-P-ZF',     'QY929', 250000, '2026-04-05', '履行中');

INSERT INTO ylx.xj_jl (xmbh, scjg, xjrq) VALUES ('YLX-P-SCJ', 230000, '2026-02-20');

-- SX-P-01: 18 calendar days on a 15-day limit (14 working days: found only
-- because the county counts calendar days); SX-P-02: no limit promised, 25
-- days (the default limit, 20, applies); SX-P-03: built before approval.
INSERT INTO ylx.sp_sx (sxbh, sxlb, sqr, dwbm, slrq, bjrq, cnsx) VALUES
 ('SX-P-01', '施工许可', 'SQ901', 'DW02', '2026-03-02', '2026-03-20', 15),
 ('SX-P-02', '施工许可', 'SQ902', 'DW02', '2026-03-02', '2026-03-27', NULL),
 ('SX-P-03', '施工许可', 'SQ903', 'DW02', '2026-03-01', '2026-03-10', 20);
INSERT INTO ylx.sp_hj (sxbh, hjmc, wcrq, jbr) VALUES
 ('SX-P-03', '施工', '2026-02-01', 'JB01'),
 ('SX-P-03', '审批', '2026-03-10', 'JB02'),
 ('SX-P-03', '付款', '2026-04-01', 'JB03');

DROP TABLE g;
