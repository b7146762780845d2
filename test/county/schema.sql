-- A second sample database for cleangov's binding tests (issue 12): the
-- procurement and approval tables of a county (县) as its own system keeps
-- them, written without cleangov in mind and unlike the demo's gov schema.
-- Abbreviated pinyin names, Chinese code values, date-only deadlines, a bid
-- table without a primary key, contracts that do not know their buyer, no
-- random-draw column, calendar-day time limits.  test/pgtap/52_binding_county.sql
-- binds it with no hand-written view; doc/rules.md, "Binding your database",
-- walks through the same binding.
--
--   psql -f test/county/schema.sql -f test/county/data.sql
--
-- Plain PostgreSQL; needs nothing of cleangov.  Drops and recreates schema ylx.

DROP SCHEMA IF EXISTS ylx CASCADE;
CREATE SCHEMA ylx;
COMMENT ON SCHEMA ylx IS 'A county''s procurement and approval tables (sample for cleangov''s binding tests)';

-- 招标项目: one row per tender.  cgfs holds the method in Chinese
-- (公开招标, 邀请招标, 竞争性谈判, 单一来源, 询价); jzsj is the deadline as a
-- date; ysje the estimated value as text (some rows empty); no column says
-- whether the contractor was drawn by lot.
CREATE TABLE ylx.zb_xm (
  xmbh  text PRIMARY KEY,           -- 项目编号
  xmmc  text NOT NULL,              -- 项目名称
  cgdw  text NOT NULL,              -- 采购单位 (buyer)
  dwbm  text,                       -- 单位编码 (responsible unit)
  cgfs  text NOT NULL,              -- 采购方式
  pmlb  text,                       -- 品目类别: 工程, 货物, 服务
  pmdm  text,                       -- 品目代码
  fbrq  date,                       -- 发布日期
  jzsj  date,                       -- 截止时间 (a date: the county's system keeps no time)
  ysje  text,                       -- 预算金额 (yuan, as text)
  zt    text NOT NULL DEFAULT '进行中'  -- 状态: 进行中, 已完成, 已废止
);

-- 投标信息: bids; no primary key: a bid is (xmbh, tbdw), and a tenderer that
-- withdrew and bid again has two rows.
CREATE TABLE ylx.tbxx (
  xmbh  text NOT NULL,              -- 项目编号
  tbdw  text NOT NULL,              -- 投标单位
  tbbj  numeric(14, 2) NOT NULL,    -- 投标报价
  tbsj  timestamp,                  -- 投标时间 (without time zone)
  zt    text                        -- 状态: 有效, 无效, 撤回
);
CREATE INDEX tbxx_xmbh ON ylx.tbxx (xmbh);

-- 合同信息: contracts (also the awards); the buyer, the unit and the method
-- are only in the tender.
CREATE TABLE ylx.htxx (
  htbh  text PRIMARY KEY,           -- 合同编号
  xmbh  text NOT NULL,              -- 项目编号
  gysdm text NOT NULL,              -- 供应商代码
  htje  numeric(14, 2) NOT NULL,    -- 合同金额
  qdrq  date,                       -- 签订日期
  htzt  text                        -- 合同状态: 履行中, 已完成, 已终止
);

-- 询价记录: the market price found by the price inquiry of a project, where
-- one was made (a unique key, but not a primary key).
CREATE TABLE ylx.xj_jl (
  jlid  integer GENERATED ALWAYS AS IDENTITY,
  xmbh  text NOT NULL,              -- 项目编号
  scjg  numeric(14, 2) NOT NULL,    -- 市场价格
  xjrq  date                        -- 询价日期
);
CREATE UNIQUE INDEX xj_jl_xmbh ON ylx.xj_jl (xmbh);

-- 审批事项: approval cases; dates only; cnsx the promised limit in calendar
-- days (the county counts calendar days), NULL where none was promised.
CREATE TABLE ylx.sp_sx (
  sxbh  text PRIMARY KEY,           -- 事项编号
  sxlb  text,                       -- 事项类别
  sqr   text,                       -- 申请人
  dwbm  text,                       -- 单位编码
  slrq  date NOT NULL,              -- 受理日期
  bjrq  date,                       -- 办结日期
  cnsx  integer                     -- 承诺时限 (days)
);

-- 审批环节: the steps of a case, named in Chinese (审批, 施工, 付款, 验收);
-- no primary key: a step is (sxbh, hjmc).
CREATE TABLE ylx.sp_hj (
  sxbh  text NOT NULL,              -- 事项编号
  hjmc  text NOT NULL,              -- 环节名称
  wcrq  date NOT NULL,              -- 完成日期
  jbr   text                        -- 经办人
);
