-- Binding a database that was not written for cleangov (issue 12): the county
-- sample database of test/county (pinyin names, Chinese codes, date-only
-- deadlines, bids without a key, contracts without their buyer) bound with
-- no hand-written view, profiled, run, watched, refused where the mapping is
-- wrong, and broken and restored when its tables are dropped.  The expected
-- alerts are those of test/county/expected.tsv.
BEGIN;
SELECT plan(67);
SET client_min_messages = warning;
SET LOCAL TimeZone = 'Asia/Shanghai';
\ir ../county/schema.sql
\ir ../county/data.sql

-- bind every table, each mapping form ---------------------------------------
SELECT lives_ok($b$SELECT cleangov.bind('tender', 'ylx.zb_xm', $${
  "tender_id": "xmbh", "buyer_id": "cgdw", "unit_code": "dwbm",
  "method": {"column": "cgfs", "codes": {"公开招标": "open", "邀请招标": "selective", "竞争性谈判": "limited", "单一来源": "direct"}},
  "category": {"column": "pmlb", "codes": {"工程": "works", "货物": "goods", "服务": "services"}},
  "item_class": "pmdm", "period_start": "fbrq", "period_end": "jzsj",
  "estimated_value": {"expr": "nullif(src.ysje, '')::numeric"},
  "status": {"column": "zt", "codes": {"已完成": "complete", "已废止": "cancelled"}, "default": "active"}}$$)$b$,
  'tender: columns, code maps (one with a default), an expression over a text column');
SELECT lives_ok($b$SELECT cleangov.bind('bid', 'ylx.tbxx', $${
  "bid_id": {"columns": ["xmbh", "tbdw"]}, "tender_id": "xmbh", "bidder_id": "tbdw", "amount": "tbbj", "submitted_at": "tbsj",
  "status": {"column": "zt", "codes": {"有效": "valid", "无效": "disqualified", "撤回": "withdrawn"}}}$$)$b$,
  'bid: a table without a primary key, keyed by two columns');
SELECT lives_ok($b$SELECT cleangov.bind('award', 'ylx.htxx', $${
  "award_id": "htbh", "tender_id": "xmbh", "supplier_id": "gysdm", "amount": "htje", "awarded_at": "qdrq",
  "status": {"column": "htzt", "codes": {"履行中": "active", "已完成": "active", "已终止": "cancelled"}}}$$)$b$,
  'award: the contract table read as awards');
SELECT lives_ok($b$SELECT cleangov.bind('contract', 'ylx.htxx', $${
  "contract_id": "htbh", "supplier_id": "gysdm", "amount": "htje", "tender_id": "xmbh", "signed_at": "qdrq",
  "buyer_id": {"column": "xm.cgdw"}, "unit_code": {"column": "xm.dwbm"}, "item_class": {"column": "xm.pmdm"},
  "method": {"column": "xm.cgfs", "codes": {"公开招标": "open", "邀请招标": "selective", "竞争性谈判": "limited", "单一来源": "direct"}},
  "category": {"column": "xm.pmlb", "codes": {"工程": "works", "货物": "goods", "服务": "services"}},
  "market_price": {"column": "xj.scjg"}}$$,
  $${"xm": {"table": "ylx.zb_xm", "on": {"xmbh": "xmbh"}}, "xj": {"table": "ylx.xj_jl", "on": {"xmbh": "xmbh"}}}$$)$b$,
  'contract: the same table, its buyer, unit and method through a lookup of the tender, its market price through a lookup of the inquiries');
SELECT lives_ok($b$SELECT cleangov.bind('approval_case', 'ylx.sp_sx', $${
  "case_id": "sxbh", "submitted_at": "slrq", "decided_at": "bjrq", "time_limit_days": "cnsx",
  "working_days": {"value": false}, "unit_code": "dwbm", "kind": "sxlb", "applicant_id": "sqr"}$$)$b$,
  'approval_case: date-only times, calendar days as a constant');
SELECT lives_ok($b$SELECT cleangov.bind('approval_step', 'ylx.sp_hj', $${
  "step_id": {"columns": ["sxbh", "hjmc"]}, "case_id": "sxbh", "done_at": "wcrq", "actor_id": "jbr",
  "step": {"column": "hjmc", "codes": {"审批": "approve", "施工": "build_start", "付款": "pay"}},
  "expected_seq": {"expr": "CASE src.hjmc WHEN '审批' THEN 1 WHEN '施工' THEN 2 WHEN '付款' THEN 3 WHEN '验收' THEN 4 END"}}$$)$b$,
  'approval_step: Chinese step names by a code map, their order by an expression');
-- The county has no joint bids: consortium_member (read by R028 and R030 for
-- joint bids' members) is bound to an empty relation.
CREATE SCHEMA county_extra;
CREATE VIEW county_extra.no_consortium AS SELECT NULL::text AS of_kind, NULL::text AS of_id, NULL::text AS member_id WHERE false;
SELECT cleangov.bind('consortium_member', 'county_extra.no_consortium');
SELECT is((SELECT count(*)::int FROM cleangov.binding b JOIN pg_class c ON c.oid = b.source
            WHERE c.relkind = 'r' AND c.relnamespace = 'ylx'::regnamespace), 6,
          'six shapes bound straight to the county''s tables, no view written');

-- what the bound shapes read ------------------------------------------------
SELECT results_eq($$SELECT method, category, status, estimated_value FROM cleangov_bound.tender
                     WHERE tender_id IN ('YLX-2025-0097', 'YLX-P-FZ', 'YLX-P-XJ1') ORDER BY tender_id$$,
                  $$VALUES ('selective', 'goods', 'active', NULL::numeric), ('open', 'goods', 'cancelled', 330000.00), ('询价', 'goods', 'active', 210000.00)$$,
                  'code maps, the default, an unmapped value passed through, an empty text read as no value');
SELECT ok((SELECT period_end > '2026-04-10 23:59:59+08' AND period_end <= '2026-04-11 00:00:00+08'
             FROM cleangov_bound.tender WHERE tender_id = 'YLX-P-ONTIME'),
          'a date-only deadline is read as the end of that day');
SELECT is((SELECT period_start FROM cleangov_bound.tender WHERE tender_id = 'YLX-P-ONTIME'), '2026-03-20 00:00:00+08'::timestamptz,
          'a date-only publication date is read as the start of that day');
SELECT results_eq($$SELECT buyer_id, unit_code, method, market_price FROM cleangov_bound.contract
                     WHERE contract_id IN ('HT-YLX-P-DX1', 'HT-YLX-P-SCJ') ORDER BY contract_id$$,
                  $$VALUES ('DW03', 'DW03', 'direct', NULL::numeric), ('DW20', 'DW20', 'open', 230000.00)$$,
                  'the contract reads its buyer, unit and method from the tender and its market price from the inquiry');
SELECT is((SELECT bid_id FROM cleangov_bound.bid WHERE tender_id = 'YLX-P-R018'), cleangov.compose_key('YLX-P-R018', 'QY904'),
          'a composite key reads as compose_key() of its columns');
SELECT results_eq($$SELECT step, expected_seq FROM cleangov_bound.approval_step WHERE case_id = 'SX0001' ORDER BY expected_seq$$,
                  $$VALUES ('approve', 1), ('build_start', 2), ('pay', 3), ('验收', 4)$$,
                  'steps: mapped names, the expression''s order, the unmapped 验收 passed through');
SELECT is((SELECT count(*)::int FROM cleangov_bound.approval_case WHERE working_days IS DISTINCT FROM false), 0,
          'the constant reads as false on every case');

-- the profile ---------------------------------------------------------------
SELECT set_eq($$SELECT shape, column_name, rows, sample FROM cleangov.binding_profile WHERE aspect = 'codes'$$,
              $$VALUES ('tender', 'method', 3::bigint, '{询价}'::text[]), ('contract', 'method', 3, '{询价}'),
                       ('bid', 'status', 2, '{作废}'), ('approval_step', 'step', 4, '{验收}')$$,
              'each value outside a code list, with its count and sample, and no other');
SELECT set_eq($$SELECT shape, rows FROM cleangov.binding_profile WHERE aspect = 'key'$$,
              $$VALUES ('bid', 1::bigint)$$,
              'the one non-unique key: bid (xmbh, tbdw), the withdrawn and resubmitted bid');
SELECT is((SELECT rows FROM cleangov.check_binding('tender') WHERE aspect = 'rows'), 317::bigint, 'rows of the tender table');
SELECT is((SELECT rows FROM cleangov.check_binding('bid') WHERE aspect = 'rows'), 935::bigint, 'rows of the bid table');
SELECT results_eq($$SELECT finding, column_name FROM cleangov.check_binding('tender')
                     WHERE aspect = 'rule' AND finding = 'does not run' ORDER BY column_name$$,
                  $$VALUES ('does not run', 'number_of_tenderers'), ('does not run', 'random_draw')$$,
                  'the small-works rule and R018 do not run: tender.random_draw and number_of_tenderers are absent');
SELECT ok((SELECT bool_or(coalesce(detail, '') || ' ' || coalesce(array_to_string(sample, ' '), '') ~ 'PROC_SMALL_WORKS_NO_DRAW')
             FROM cleangov.check_binding('tender') WHERE aspect = 'rule' AND finding = 'does not run'),
          'the finding names the rule');
SELECT ok((SELECT bool_or(finding || ' ' || coalesce(detail, '') ~* 'end of')
             FROM cleangov.check_binding('tender') WHERE aspect = 'dates' AND column_name = 'period_end'),
          'the profile says the date-only deadline is read as the end of the day');
SELECT set_eq($$SELECT shape, column_name FROM cleangov.binding_profile WHERE aspect = 'dates'$$,
              $$VALUES ('tender', 'period_start'), ('tender', 'period_end'), ('award', 'awarded_at'), ('contract', 'signed_at'),
                       ('approval_case', 'submitted_at'), ('approval_case', 'decided_at'), ('approval_step', 'done_at')$$,
              'every date-only column read as a time is in the profile');
SELECT is((SELECT count(*)::int FROM cleangov.binding_profile WHERE aspect = 'broken'), 0, 'nothing is broken');

-- a default code for the values a code map does not name
SAVEPOINT with_default;
SELECT cleangov.bind('bid', 'ylx.tbxx', $${
  "bid_id": {"columns": ["xmbh", "tbdw"]}, "tender_id": "xmbh", "bidder_id": "tbdw", "amount": "tbbj", "submitted_at": "tbsj",
  "status": {"column": "zt", "codes": {"有效": "valid", "撤回": "withdrawn"}, "default": "disqualified"}}$$);
SELECT results_eq($$SELECT status, count(*)::int FROM cleangov_bound.bid WHERE tender_id IN ('YLX-P-ZF', 'YLX-P-R035') GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('disqualified', 4), ('valid', 2)$$, 'with a default, 无效 and 作废 both read as the default');
SELECT is((SELECT count(*)::int FROM cleangov.check_binding('bid') WHERE aspect = 'codes'), 0, 'and the profile finds no value outside the list');
ROLLBACK TO SAVEPOINT with_default;

-- run -----------------------------------------------------------------------
-- R055 (Cardinal's draft) with the county's statutory threshold and the dates of its data
UPDATE cleangov.rule SET thresholds = thresholds || '{"threshold": 1000000, "start_date": "2025-01-01", "end_date": "2026-12-31"}'
 WHERE rule_code = 'R055';
SELECT is((SELECT count(*)::int FROM cleangov.run() WHERE status = 'failed'), 0, 'run() fails no rule');
SELECT set_eq($$SELECT rule_code, subject_key FROM cleangov.alert$$,
              $$VALUES ('R003', 'YLX-P-R003'), ('PROC_SINGLE_BIDDER', 'YLX-P-R018'), ('R024', 'YLX-P-R024'), ('R028', 'YLX-P-R028'),
                       ('R028', 'QY912'), ('R028', 'QY913'), ('R030', 'YLX-P-R030'), ('R030', 'QY914'),
                       ('R035', 'YLX-P-R035'), ('R036', 'YLX-P-R036'), ('PROC_DIRECT_AWARDS_CUMULATIVE', 'DW03/QY924'),
                       ('R055', 'DW03'), ('R055', 'QY924'),
                       ('R058', 'YLX-P-R058'), ('PROC_PRICE_OVER_MARKET', 'HT-YLX-P-SCJ'), ('PROC_SPLIT_PURCHASE', 'DW05/QY925'),
                       ('APPR_TIME_LIMIT', 'SX-P-01'), ('APPR_TIME_LIMIT', 'SX-P-02'), ('APPR_OUT_OF_ORDER', 'SX-P-03')$$,
              'exactly the planted cases are found (test/county/expected.tsv)');
SELECT results_eq($$SELECT status, message LIKE 'does not run: tender.random_draw is not bound%' FROM cleangov.run_log WHERE rule_code = 'PROC_SMALL_WORKS_NO_DRAW'$$,
                  $$VALUES ('skipped', true)$$,
                  'the small-works rule is skipped and says why (99 small works tenders, none known not drawn)');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'PROC_SMALL_WORKS_NO_DRAW'), 0,
          'an absent random_draw is not read as false');
SELECT is((SELECT round((evidence ->> 'hours_late')::numeric, 1) FROM cleangov.alert WHERE rule_code = 'R030' AND subject_key = 'YLX-P-R030'), 9.5,
          'R030: 9.5 hours after the end of the deadline day');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 'YLX-P-ONTIME'), 0,
          'R030: a bid on the deadline day at 16:00 is on time');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 'YLX-P-FZ'), 0,
          'R003: the cancelled tender (5 days) is skipped by its mapped status');
SELECT results_eq($$SELECT value, evidence ->> 'working_days' FROM cleangov.alert WHERE rule_code = 'APPR_TIME_LIMIT' ORDER BY subject_key$$,
                  $$VALUES (18::float8, 'false'), (25, 'false')$$,
                  'time limits in calendar days: 18 days (14 working days) over 15, 25 over the default 20');
SELECT is((SELECT unit_code FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET' AND subject_key = 'HT-YLX-P-SCJ'), 'DW20',
          'the contract''s alert carries the unit read through the lookup');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'nothing quarantined');

-- watch: a write to each watched table raises its alerts in the transaction --
-- The bid and step rules are set rules; made realtime here so that the watch
-- triggers of those tables have rules to run.
UPDATE cleangov.rule_definition SET realtime = true WHERE rule_code IN ('R028', 'R030', 'APPR_OUT_OF_ORDER');
SELECT lives_ok($$SELECT cleangov.watch(t) FROM unnest('{ylx.zb_xm, ylx.tbxx, ylx.htxx, ylx.xj_jl, ylx.sp_sx, ylx.sp_hj}'::regclass[]) t$$,
                'watch() the five sources and the inquiry lookup table');
SELECT is((SELECT count(*)::int FROM cleangov.watched WHERE source::text LIKE 'ylx.%'), 6, 'six tables watched');

INSERT INTO ylx.zb_xm (xmbh, xmmc, cgdw, dwbm, cgfs, pmlb, pmdm, fbrq, jzsj, ysje)
VALUES ('YLX-W-001', '新增项目', 'DW30', 'DW30', '公开招标', '货物', 'A01', '2026-09-01', '2026-09-06', '200000');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'R003' AND subject_key = 'YLX-W-001'), 1,
          'INSERT into the tender table: R003 raised');
INSERT INTO ylx.tbxx VALUES ('YLX-W-001', 'QY950', 188000, '2026-09-05 10:00', '有效'), ('YLX-W-001', 'QY951', 188000, '2026-09-05 11:00', '有效');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'R028' AND subject_key = 'YLX-W-001'), 1,
          'INSERT into the keyless bid table: R028 raised');
INSERT INTO ylx.xj_jl (xmbh, scjg, xjrq) VALUES ('YLX-2025-0001', 80000, '2025-01-02');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET' AND subject_key = 'HT-YLX-2025-0001'), 1,
          'INSERT into the lookup table: the contract it reaches (107900 against 80000) raises');
INSERT INTO ylx.xj_jl (xmbh, scjg, xjrq) VALUES ('YLX-W-001', 150000, '2026-08-20');
INSERT INTO ylx.htxx VALUES ('HT-YLX-W-001', 'YLX-W-001', 'QY950', 188000, '2026-09-20', '履行中');
SELECT results_eq($$SELECT unit_code FROM cleangov.alert WHERE rule_code = 'PROC_PRICE_OVER_MARKET' AND subject_key = 'HT-YLX-W-001'$$,
                  $$VALUES ('DW30')$$, 'INSERT into the contract table: raised, with the unit read through the tender lookup');
INSERT INTO ylx.sp_sx VALUES ('SX-W-01', '施工许可', 'SQ950', 'DW02', '2026-09-01', '2026-09-20', 10);
SELECT is((SELECT value FROM cleangov.alert WHERE rule_code = 'APPR_TIME_LIMIT' AND subject_key = 'SX-W-01'), 19::float8,
          'INSERT into the case table: APPR_TIME_LIMIT raised in calendar days');
INSERT INTO ylx.sp_hj VALUES ('SX-W-01', '施工', '2026-08-01', 'JB01'), ('SX-W-01', '审批', '2026-09-20', 'JB02');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'APPR_OUT_OF_ORDER' AND subject_key = 'SX-W-01'), 1,
          'INSERT into the step table: APPR_OUT_OF_ORDER raised');
INSERT INTO ylx.tbxx VALUES ('YLX-P-ONTIME', 'QY916', 199000, '2026-04-10 23:00', '有效');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 'YLX-P-ONTIME'), 0,
          'R030 watched: the winner bidding again at 23:00 on the deadline day is on time');

-- refusals ------------------------------------------------------------------
SELECT throws_ok($$SELECT cleangov.bind('tender', 'ylx.zb_xm', '{"tender_id": "xmbh", "buyer_id": "cgdw", "method": "cgfs",
                     "estimated_value": {"expr": "src.ysje"}}')$$,
                 '42804', NULL, 'an expression of the wrong type (text for numeric)');
SELECT throws_ok($$SELECT cleangov.bind('tender', 'ylx.zb_xm', '{"tender_id": "xmbh", "buyer_id": "cgdw", "method": "cgfs",
                     "estimated_value": {"expr": "nullif(src.ysje, '''')::numeric * (1 + random())"}}')$$,
                 '42P17', NULL, 'a volatile expression');
CREATE FUNCTION ylx.yuan(text) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN nullif($1, '')::numeric;
SELECT throws_ok($$SELECT cleangov.bind('tender', 'ylx.zb_xm', '{"tender_id": "xmbh", "buyer_id": "cgdw", "method": "cgfs",
                     "estimated_value": {"expr": "ylx.yuan(src.ysje)"}}')$$,
                 '42501', NULL, 'a function of the user''s in an expression');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'ylx.htxx', '{"contract_id": "htbh", "buyer_id": "xmbh", "supplier_id": "gysdm",
                     "amount": {"column": "tb.tbbj"}}', '{"tb": {"table": "ylx.tbxx", "on": {"xmbh": "xmbh"}}}')$$,
                 '42P10', NULL, 'a lookup that is not unique (bids by project)');
SELECT throws_ok($$SELECT cleangov.bind('tender', 'ylx.zb_xm', '{"tender_id": "xmbh", "buyer_id": "cgdw",
                     "method": {"column": "cgfs", "codes": {"公开招标": "public"}}}')$$,
                 '22023', NULL, 'a code map to a code outside the code list');
SELECT throws_ok($$SELECT cleangov.bind('tender', 'ylx.zb_xm', '{"tender_id": "xmbh", "buyer_id": "cgdw",
                     "method": {"column": "cgfs", "codes": {"公开招标": "open"}, "default": "other"}}')$$,
                 '22023', NULL, 'a default outside the code list');
SELECT throws_ok($$SELECT cleangov.bind('bid', 'ylx.tbxx', '{"bid_id": {"columns": ["xmbh", "tbdwx"]}, "tender_id": "xmbh",
                     "bidder_id": "tbdw", "amount": "tbbj"}')$$,
                 '42703', NULL, 'an unknown column in a composite key');
SELECT is((SELECT columns -> 'estimated_value' FROM cleangov.binding WHERE shape = 'tender'), '{"expr": "nullif(src.ysje, '''')::numeric"}'::jsonb,
          'a refused bind leaves the binding as it was');

-- broken bindings -----------------------------------------------------------
SAVEPOINT dropped;
DROP TABLE ylx.sp_hj CASCADE;
SELECT ok((SELECT broken IS NOT NULL FROM cleangov.binding WHERE shape = 'approval_step'), 'a dropped source marks the binding broken');
SELECT is((SELECT count(*)::int FROM cleangov.binding_profile WHERE aspect = 'broken' AND shape = 'approval_step'), 1,
          'the profile shows it');
SELECT results_eq($$SELECT status, message ~ 'approval_step' FROM cleangov.run() WHERE rule_code = 'APPR_OUT_OF_ORDER'$$,
                  $$VALUES ('skipped', true)$$, 'run() skips the rule reading it, naming the shape');
SELECT is((SELECT count(*)::int FROM cleangov.run_log WHERE run_id = (SELECT max(run_id) FROM cleangov.run_log) AND status = 'failed'), 0,
          'no rule failed');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'nothing is quarantined');
SELECT lives_ok($$SELECT cleangov.unbind('approval_step')$$, 'unbind() works on a broken binding');
SELECT is((SELECT count(*)::int FROM cleangov.binding WHERE shape = 'approval_step'), 0, 'and removes it');
ROLLBACK TO SAVEPOINT dropped;

-- The county reloads its whole schema: every binding broken, rebind() restores
-- each from its stored source name and mapping, and the watch with it.
\ir ../county/schema.sql
\ir ../county/data.sql
SELECT is((SELECT count(*)::int FROM cleangov.binding WHERE broken IS NOT NULL), 6, 'a dropped schema breaks its six bindings');
SELECT lives_ok($$SELECT cleangov.rebind(shape) FROM cleangov.binding ORDER BY shape$$, 'rebind() each');
SELECT is((SELECT count(*)::int FROM cleangov.binding WHERE broken IS NULL AND source::text LIKE 'ylx.%'), 6, 'none is broken');
SELECT results_eq($$SELECT count(*)::int FROM cleangov.watched WHERE source::text LIKE 'ylx.%' AND source::text <> 'ylx.xj_jl'$$, $$VALUES (5)$$,
                  'the watched sources are watched again');
SELECT ok(EXISTS (SELECT FROM cleangov.watched WHERE source = 'ylx.xj_jl'::regclass), 'the watched lookup table is watched again');
SELECT is((SELECT count(*)::int FROM cleangov.run() r WHERE r.status <> 'ok' AND r.rule_code NOT IN ('PROC_SMALL_WORKS_NO_DRAW', 'R018')
              AND r.rule_code IN (SELECT d.rule_code FROM cleangov.rule_definition d
                                   WHERE d.reads <@ '{tender, bid, award, contract, approval_case, approval_step}')), 0,
          'after rebind() every rule reading only the county''s shapes runs (but the small-works rule and R018)');
SELECT results_eq($$SELECT status, hits FROM cleangov.run_log WHERE rule_code = 'APPR_OUT_OF_ORDER' AND run_id = (SELECT max(run_id) FROM cleangov.run_log)$$,
                  $$VALUES ('ok', 1)$$, 'the step rule runs again on the reloaded table');
INSERT INTO ylx.zb_xm (xmbh, xmmc, cgdw, dwbm, cgfs, fbrq, jzsj) VALUES ('YLX-W-002', '重载后项目', 'DW30', 'DW30', '公开招标', '2026-10-01', '2026-10-03');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'R003' AND subject_key = 'YLX-W-002'), 1,
          'a write to the reloaded tender table raises again');

SELECT * FROM finish();
ROLLBACK;
