-- Real time (run by scripts/demo-in-cluster.sh last, after the scoreboard, so
-- that the cases it adds do not count there).  gov.approval_case is the
-- approval system's own table: it has no column, trigger or default that
-- knows of cleangov.  demo/detect.sql bound it as it is to the approval_case
-- shape; here cleangov.watch() puts statement-level triggers on it, and the
-- approval system's ordinary INSERTs raise alerts inside their own
-- transactions.  A rule that fails at run time is quarantined; the write goes on.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SELECT cleangov.watch('gov.approval_case') AS watching \gset
RESET client_min_messages;

\echo '== real time: cleangov.watch(''gov.approval_case''): the approval system writes as it always has'
SELECT max(case_id) AS last_case FROM gov.approval_case \gset
-- The unit and official of the demo's first credit-repair case handle the new ones.
SELECT unit_id AS hall, handler_id AS clerk FROM gov.approval_case
 WHERE kind = 'credit_repair' ORDER BY case_id LIMIT 1 \gset

BEGIN;
-- One statement, three decisions: a credit repair (statutory limit 2 working
-- days) received on a Friday and decided on the next Thursday (4 working
-- days), one decided on the Monday (1), and a planning permit within its 20 days.
INSERT INTO gov.approval_case (case_id, case_no, kind, unit_id, applicant_enterprise_id, handler_id,
                               received_at, time_limit_days, due_date, decided_at, result)
VALUES (:last_case + 1, 'LIVE-1', 'credit_repair', :hall, NULL, :clerk, '2024-06-07 10:00', 2, '2024-06-11', '2024-06-13 15:00', 'approved'),
       (:last_case + 2, 'LIVE-2', 'credit_repair', :hall, NULL, :clerk, '2024-06-07 10:30', 2, '2024-06-11', '2024-06-10 11:00', 'approved'),
       (:last_case + 3, 'LIVE-3', 'land_use_planning', :hall, NULL, :clerk, '2024-06-03 09:00', 20, '2024-06-28', '2024-06-20 09:00', 'approved');
\echo '   before COMMIT, in the writing transaction:'
SELECT c.case_no, c.kind, c.time_limit_days AS limit_days, a.rule_code, a.value AS working_days_taken, a.level,
       cleangov.level_zh(a.level) AS level_zh, a.due_at::date AS rectify_by, a.raised_at = now() AS raised_in_this_transaction
  FROM gov.approval_case c
  LEFT JOIN cleangov.alert a ON a.rule_code = 'APPR_TIME_LIMIT' AND a.subject_key = c.case_id::text
 WHERE c.case_no LIKE 'LIVE-%' ORDER BY c.case_no;
COMMIT;

-- A bulk write is one evaluation per statement: a backlog of 5,000 cases
-- (food business licences, limit 10 working days) migrated from a county hall
-- in one INSERT ... SELECT, every 50th decided late.
INSERT INTO gov.approval_case (case_id, case_no, kind, unit_id, applicant_enterprise_id, handler_id,
                               received_at, time_limit_days, due_date, decided_at, result)
SELECT :last_case + 10 + i, 'BACKLOG-' || i, 'food_business_license', :hall, NULL, :clerk,
       timestamp '2024-03-04 09:00' + (i % 60) * interval '1 day', 10, date '2024-03-18' + i % 60,
       timestamp '2024-03-04 09:00' + (i % 60) * interval '1 day' + CASE WHEN i % 50 = 0 THEN 21 ELSE 7 END * interval '1 day',
       'approved'
  FROM generate_series(1, 5000) i;
SELECT count(*) AS backlog_alerts_from_one_statement FROM cleangov.alert a
  JOIN gov.approval_case c ON a.subject_key = c.case_id::text
 WHERE a.rule_code = 'APPR_TIME_LIMIT' AND c.case_no LIKE 'BACKLOG-%';

-- A supervisor adds a rule of their own in SQL: a decision that took more
-- than 80 % of its limit.  It divides by the limit, and the hall also has
-- on-the-spot matters (即办件) whose limit is 0.
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level, description)
VALUES ('DEMO_NEAR_LIMIT', 'decided close to the limit', '临近时限办结', 'approval', 'approval_case',
        '{"share": 0.8}', 'blue', 'Working days taken over the statutory limit above {share}.');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key)
VALUES ('DEMO_NEAR_LIMIT', 'row', 'approval_case',
        $$cleangov.working_days(r.submitted_at::date, r.decided_at::date)::numeric / r.time_limit_days > {share}$$,
        $$cleangov.working_days(r.submitted_at::date, r.decided_at::date)::numeric / r.time_limit_days$$, 'share');
\echo '== an on-the-spot case (limit 0) makes the new rule divide by zero: a WARNING, and the write goes on'
INSERT INTO gov.approval_case (case_id, case_no, kind, unit_id, applicant_enterprise_id, handler_id,
                               received_at, time_limit_days, due_date, decided_at, result)
VALUES (:last_case + 6000, 'LIVE-ON-THE-SPOT', 'enterprise_registration', :hall, NULL, :clerk, '2024-06-12 10:00', 0, '2024-06-12',
        '2024-06-12 10:20', 'approved');
SELECT case_no, decided_at FROM gov.approval_case WHERE case_no = 'LIVE-ON-THE-SPOT';
SELECT rule_code, name_zh, last_sqlstate, last_message, failures FROM cleangov.rule_quarantine;
-- The supervisor fixes the rule (a limit of 0 has no share) and releases it.
UPDATE cleangov.rule_definition
   SET condition = $$cleangov.working_days(r.submitted_at::date, r.decided_at::date)::numeric / nullif(r.time_limit_days, 0) > {share}$$,
       value_expr = $$cleangov.working_days(r.submitted_at::date, r.decided_at::date)::numeric / nullif(r.time_limit_days, 0)$$
 WHERE rule_code = 'DEMO_NEAR_LIMIT';
SELECT cleangov.release_rule('DEMO_NEAR_LIMIT') AS released \gset
SELECT count(*) AS quarantined_after_release FROM cleangov.rule_quarantine;
