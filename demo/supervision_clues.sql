-- Case clues and supervision orders over the demo (issue 17, parts 3 and 4;
-- run by scripts/demo-in-cluster.sh after demo/loop.sql): red alerts
-- escalated into clues (preliminary verification at once) and carried
-- through filing, trial and execution, their outcome passed back to the
-- alerts' review; complaints, audit findings and inspection-tour clues with
-- planted cases for the three CLUE_* rules and near-misses; supervision
-- orders to the finance bureau, the audit bureau and a department, with
-- replies, a returned reply, reminders and planted overdue orders for rule
-- ORDER_OVERDUE.  The truth is in truth.supervision_planted; the small
-- scoreboard at the end counts planted / found / near-misses raised.
-- Time moves by passing as_of; nothing waits.  See doc/clues.md, doc/orders.md.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

CREATE TABLE truth.supervision_planted (
  rule_code    text NOT NULL,
  subject_kind text NOT NULL,
  subject_key  text NOT NULL,
  near_miss    boolean NOT NULL,
  why          text NOT NULL
);
COMMENT ON TABLE truth.supervision_planted IS
  'Planted cases (near_miss false) and near-misses (near_miss true) of the CLUE_* and ORDER_OVERDUE rules in demo/supervision_clues.sql.';

-- The commission (纪委监委) that receives clues and issues orders.
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, kind, region_code)
VALUES ('DEMO-JW', NULL, 'Discipline inspection and supervision commission', '市纪委监委', 'commission', NULL);

-- ---- alerts escalated into clues ------------------------------------------------
-- Every open, confirmed red alert (at most eight) becomes a clue: preliminary
-- verification at once.  Five in eight are filed, tried, decided and the
-- decision executed; the rest are closed by a talk (handled without a case).
CREATE TEMP TABLE demo_red AS
SELECT a.alert_id, row_number() OVER (ORDER BY a.alert_id) AS n
  FROM cleangov.alert a
 WHERE a.status = 'open' AND a.level = 'red' AND a.review_verdict = 'confirmed' AND a.unit_code IS NOT NULL
 ORDER BY a.alert_id LIMIT 8;
CREATE TEMP TABLE demo_red_clue AS
SELECT d.n, d.alert_id, (cleangov.alert_to_clue(d.alert_id, NULL, 'demo_handler')).clue_id FROM demo_red d;
SELECT count(*) AS filed FROM demo_red_clue c,
       LATERAL (SELECT cleangov.file_case(c.clue_id, '初核属实'), cleangov.send_to_trial(c.clue_id),
                       cleangov.decide_case(c.clue_id, CASE WHEN c.n % 2 = 0 THEN 'party_discipline' ELSE 'government_sanction' END,
                                            format('纪决〔2026〕%s号', c.n)),
                       cleangov.execute_decision(c.clue_id, '处分决定已宣布执行')) x
 WHERE c.n % 8 < 5 \gset
SELECT count(*) AS talked FROM demo_red_clue c, LATERAL cleangov.close_clue(c.clue_id, 'handled_without_case',
                                                                           format('了〔2026〕%s号', c.n), '谈话提醒') x
 WHERE c.n % 8 >= 5 \gset

-- ---- complaints: repeated complaints about the same person ------------------------
-- Persons of the demo with a unit: four get 3-5 complaints within a year
-- (planted), four get two (near-miss), two get three with one 400 days old
-- (near-miss).  Each complaint clue is verified and closed as unfounded with a
-- closing decision: repeated complaints that each come to nothing are what
-- the rule is for.
CREATE TEMP TABLE demo_person AS
SELECT p.person_id::text AS person_key, p.unit_id::text AS unit_code, row_number() OVER (ORDER BY p.person_id) AS n
  FROM gov.person p JOIN cleangov.unit u ON u.unit_code = p.unit_id::text
 ORDER BY p.person_id LIMIT 10;
CREATE TEMP TABLE demo_complaint AS
SELECT p.person_key, p.unit_code, p.n, k,
       (CASE WHEN p.n BETWEEN 9 AND 10 AND k = 1 THEN 400 ELSE 20 * k + p.n END)::int AS days_ago
  FROM demo_person p,
       generate_series(1, CASE WHEN p.n <= 4 THEN 2 + p.n % 4 + 1 WHEN p.n <= 8 THEN 2 ELSE 3 END) k;
CREATE TEMP TABLE demo_complaint_clue AS
SELECT c.person_key, c.n, (cleangov.receive_clue(c.unit_code, 'complaint', 'person', c.person_key, '来信反映: 违规收受礼金',
                                                 'demo_handler', now() - make_interval(days => c.days_ago))).clue_id
  FROM demo_complaint c ORDER BY c.person_key, c.days_ago DESC;
SELECT count(*) AS closed_complaints FROM demo_complaint_clue c,
       LATERAL (SELECT cleangov.start_verification(c.clue_id),
                       cleangov.close_clue(c.clue_id, 'unfounded', format('了〔2026〕C%s号', c.clue_id), '反映失实')) x \gset
INSERT INTO truth.supervision_planted
SELECT 'CLUE_REPEATED_COMPLAINT', 'person', p.person_key, p.n > 4,
       CASE WHEN p.n <= 4 THEN 'three or more complaints within a year'
            WHEN p.n <= 8 THEN 'two complaints only' ELSE 'three complaints, one 400 days old' END
  FROM demo_person p;

-- ---- audit findings and inspection-tour clues: stage limits and closing decisions ----
-- planted overdue: five clues 20-40 days in stage clue (limit 15); near-misses:
-- five received 10 days ago, three received 30 days ago but verified today.
CREATE TEMP TABLE demo_stage AS
SELECT g AS n, CASE WHEN g <= 5 THEN 15 + 5 * g WHEN g <= 10 THEN 10 ELSE 30 END AS days_ago,
       (SELECT u.unit_code FROM cleangov.unit u WHERE u.unit_code <> 'DEMO-JW' ORDER BY u.unit_code OFFSET g LIMIT 1) AS unit_code
  FROM generate_series(1, 13) g;
CREATE TEMP TABLE demo_stage_clue AS
SELECT s.n, (cleangov.receive_clue(s.unit_code, CASE WHEN s.n % 2 = 0 THEN 'audit_finding' ELSE 'inspection_tour' END,
                                   'unit', s.unit_code, CASE WHEN s.n % 2 = 0 THEN '审计发现: 专项资金未按规定使用' ELSE '巡察发现: 违规发放津补贴' END,
                                   'demo_handler', now() - make_interval(days => s.days_ago))).clue_id
  FROM demo_stage s;
SELECT count(*) AS moved_on FROM demo_stage_clue c, LATERAL cleangov.start_verification(c.clue_id) x WHERE c.n > 10 \gset
INSERT INTO truth.supervision_planted
SELECT 'CLUE_STAGE_OVERDUE', 'clue', c.clue_id::text, c.n > 5,
       CASE WHEN c.n <= 5 THEN 'more than 15 days in stage clue' WHEN c.n <= 10 THEN '10 days in stage clue'
            ELSE '30 days old, verification started today' END
  FROM demo_stage_clue c;
-- closed without a decision: two from stage clue, two after filing (planted);
-- three closed with their closing decision (near-miss)
CREATE TEMP TABLE demo_undecided AS
SELECT g AS n, (cleangov.receive_clue('DEMO-JW', 'inspection_tour', 'unit', 'DEMO-JW', '巡察发现: 公车私用', 'demo_handler')).clue_id
  FROM generate_series(1, 7) g;
SELECT count(*) AS filed_then_closed FROM demo_undecided c,
       LATERAL (SELECT cleangov.start_verification(c.clue_id), cleangov.file_case(c.clue_id)) x WHERE c.n IN (3, 4) \gset
SELECT count(*) AS closed_undecided FROM demo_undecided c,
       LATERAL cleangov.close_clue(c.clue_id, 'handled_without_case', CASE WHEN c.n > 4 THEN format('了〔2026〕D%s号', c.n) END) x \gset
INSERT INTO truth.supervision_planted
SELECT 'CLUE_CLOSED_NO_DECISION', 'clue', c.clue_id::text, c.n > 4,
       CASE WHEN c.n <= 2 THEN 'closed from stage clue, no decision' WHEN c.n <= 4 THEN 'closed after filing, no decision'
            ELSE 'closed with its decision' END
  FROM demo_undecided c;
-- the executed red-alert clues and the complaint clues are near-misses too (closed with a decision)
INSERT INTO truth.supervision_planted
SELECT 'CLUE_CLOSED_NO_DECISION', 'clue', c.clue_id::text, true, 'executed decision or closing decision'
  FROM (SELECT clue_id FROM demo_red_clue UNION ALL SELECT clue_id FROM demo_complaint_clue) c;

-- ---- supervision orders (督办单, seed 003) ----------------------------------------
-- From the commission to the finance bureau and the audit bureau (a common-
-- problem analysis: financial management), to a department (from a clue) and
-- to the audit bureau (from an alert).  Planted overdue: three orders never
-- replied (one returned, one reminded three times); near-misses: two replied
-- in time, one accepted, one withdrawn.
SELECT (SELECT unit_id::text FROM gov.unit WHERE function = 'finance' AND kind = 'department' ORDER BY unit_id LIMIT 1) AS fin,
       (SELECT unit_id::text FROM gov.unit WHERE function = 'audit' AND kind = 'department' ORDER BY unit_id LIMIT 1) AS aud,
       (SELECT unit_id::text FROM gov.unit WHERE function = 'education' AND kind = 'department' ORDER BY unit_id LIMIT 1) AS dep \gset
CREATE TEMP TABLE demo_order (n int, order_id bigint);
INSERT INTO demo_order
SELECT v.n, (cleangov.issue_order('DEMO-JW', v.addressee, v.kind, v.matter, now() + interval '30 days', v.reply,
                                  alert_id => v.alert_id, clue_id => v.clue_id, analysis => v.analysis)).order_id
  FROM (VALUES
    (1, :'fin', 'finance', '财务管理突出问题集中整治', 'rectification_plan', NULL::bigint, NULL::bigint, '共性问题分析: 财务管理 (财政、审计上报评价数据)'),
    (2, :'aud', 'audit', '财务管理突出问题专项审计', 'investigation_result', NULL, NULL, '共性问题分析: 财务管理 (财政、审计上报评价数据)'),
    (3, :'dep', 'department', '核查来信反映问题并报告', 'written_report', NULL, (SELECT min(clue_id) FROM demo_stage_clue), NULL),
    (4, :'aud', 'audit', '核查预警所涉资金', 'investigation_result', (SELECT min(alert_id) FROM demo_red), NULL,
     CASE WHEN NOT EXISTS (SELECT FROM demo_red) THEN '共性问题分析: 预警所涉资金' END),
    (5, :'fin', 'finance', '更正预算执行数据', 'data_correction', NULL, NULL, '共性问题分析: 预算执行'),
    (6, :'dep', 'department', '报送整改台账', 'written_report', NULL, NULL, '共性问题分析: 整改台账'),
    (7, :'fin', 'finance', '补报三公经费明细', 'written_report', NULL, NULL, '共性问题分析: 三公经费'),
    (8, :'aud', 'audit', '撤回: 重复下发', 'written_report', NULL, NULL, '共性问题分析: 重复')
  ) v(n, addressee, kind, matter, reply, alert_id, clue_id, analysis);
SELECT count(*) AS replies FROM demo_order o, LATERAL cleangov.reply_order(o.order_id, '已按要求办理, 报告附后') x WHERE o.n IN (1, 5, 6, 7) \gset
SELECT count(*) AS returned FROM demo_order o, LATERAL cleangov.return_reply(o.order_id, '整改方案不具体, 退回重办') x WHERE o.n = 1 \gset
SELECT count(*) AS accepted FROM demo_order o, LATERAL cleangov.accept_reply(o.order_id, '办结') x WHERE o.n = 7 \gset
SELECT count(*) AS withdrawn FROM demo_order o, LATERAL cleangov.withdraw_order(o.order_id, '重复下发') x WHERE o.n = 8 \gset
SELECT count(*) AS reminded_by_hand FROM demo_order o, LATERAL cleangov.remind_order(o.order_id, '请抓紧回复') x WHERE o.n = 4 \gset
-- 31 and 38 days later the batch reminder (催办) reaches the overdue ones
SELECT count(*) AS reminders_31 FROM cleangov.remind_overdue(now() + interval '31 days') \gset
SELECT count(*) AS reminders_38 FROM cleangov.remind_overdue(now() + interval '38 days') \gset
INSERT INTO truth.supervision_planted
SELECT 'ORDER_OVERDUE', 'order', o.order_id::text, o.n NOT IN (1, 2, 3, 4),
       CASE WHEN o.n IN (1, 2, 3, 4) THEN 'no reply by the deadline' WHEN o.n IN (5, 6) THEN 'replied in time'
            WHEN o.n = 7 THEN 'accepted' ELSE 'withdrawn' END
  FROM demo_order o;

-- ---- the checks -----------------------------------------------------------------------
CREATE TEMP TABLE demo_checked AS
SELECT * FROM cleangov.clue_check(now()) UNION ALL SELECT * FROM cleangov.order_check(now() + interval '45 days');
RESET client_min_messages;

\echo '== case clues (案件线索): red alerts escalated' :filed 'filed and executed,' :talked 'closed by a talk'
SELECT c.source, c.stage, cleangov.clue_stage_name(c.stage, 'zh') AS stage_zh, coalesce(c.outcome, '-') AS outcome,
       coalesce(cleangov.clue_outcome_name(c.outcome, 'zh'), '-') AS outcome_zh, count(*) AS clues
  FROM cleangov.clue c GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4;

\echo '== the outcome passed back to the alerts'' review (red alerts escalated into clues)'
SELECT a.review_verdict, a.status, count(*) AS alerts,
       count(*) FILTER (WHERE e.note LIKE 'clue %') AS reviews_naming_the_clue
  FROM demo_red_clue d JOIN cleangov.alert a USING (alert_id)
  LEFT JOIN LATERAL (SELECT x.note FROM cleangov.alert_event x WHERE x.alert_id = a.alert_id AND x.event = 'reviewed'
                      ORDER BY x.event_id DESC LIMIT 1) e ON true
 GROUP BY 1, 2 ORDER BY 1, 2;

\echo '== supervision orders (督办单): ' :replies 'replies,' :returned 'returned,' :accepted 'accepted,' :withdrawn 'withdrawn, reminders' :reminders_31 '+' :reminders_38
SELECT o.order_no, o.addressee_kind, o.addressee_name_zh, o.origin, o.status, o.status_zh, o.reminder_count AS reminders,
       left(o.matter, 16) AS matter
  FROM cleangov.order_detail o ORDER BY o.order_id;

\echo '== supervision scoreboard (truth.supervision_planted vs the alerts of clue_check and order_check)'
SELECT t.rule_code,
       count(*) FILTER (WHERE NOT t.near_miss) AS planted,
       count(*) FILTER (WHERE NOT t.near_miss AND a.alert_id IS NOT NULL) AS found,
       count(*) FILTER (WHERE t.near_miss) AS near_misses,
       count(*) FILTER (WHERE t.near_miss AND a.alert_id IS NOT NULL) AS near_misses_raised,
       (SELECT count(*) FROM demo_checked c JOIN cleangov.alert x USING (alert_id)
         WHERE x.rule_code = t.rule_code
           AND NOT EXISTS (SELECT FROM truth.supervision_planted p
                            WHERE p.rule_code = x.rule_code AND p.subject_kind = x.subject_kind AND p.subject_key = x.subject_key)) AS unplanned_alerts
  FROM truth.supervision_planted t
  LEFT JOIN LATERAL (SELECT x.alert_id FROM demo_checked c JOIN cleangov.alert x USING (alert_id)
                      WHERE x.rule_code = t.rule_code AND x.subject_kind = t.subject_kind AND x.subject_key = t.subject_key
                      LIMIT 1) a ON true
 GROUP BY t.rule_code ORDER BY t.rule_code;
