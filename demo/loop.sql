-- The closed loop over the demo's alerts (run by scripts/demo-in-cluster.sh
-- after demo/detect.sql): units routed, every alert reviewed, some rectified,
-- the rest overdue and escalated (talk, then accountability), and one problem
-- that comes back caught as a recurrence.  Time moves by passing as_of to
-- escalate_overdue(), so the demo needs no waiting.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

-- The organisation tree: alerts are routed to units and roll up it.
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, kind, region_code)
SELECT unit_id::text, parent_id::text, name, name, kind, region_code FROM gov.unit
ON CONFLICT (unit_code) DO NOTHING;

-- Review (人工复核): the demo's reviewer knows the case files (truth.planted);
-- a real one reads the evidence.  A false positive is dismissed.  Only alerts
-- of rules the ground truth scores are reviewed; index warnings stay as raised.
-- Like a real one the reviewer errs: one verdict in twenty (chosen by the
-- md5 of the alert, so the same every run) is the wrong one: the noise the
-- learned model of demo/model.sql has to live with.
CREATE TEMP TABLE demo_review AS
SELECT a.alert_id,
       EXISTS (SELECT 1 FROM truth.planted p JOIN truth.pattern pt USING (pattern)
                WHERE a.rule_code = ANY (pt.rule_codes)
                  AND p.subject_kind = a.subject_kind AND p.subject_key = a.subject_key) AS planted
  FROM cleangov.alert a
 WHERE a.status = 'open'
   AND a.rule_code IN (SELECT unnest(rule_codes) FROM truth.pattern);  -- the scored rules
SELECT count(*) AS reviewed
  FROM demo_review d,
       LATERAL cleangov.review(d.alert_id,
                               CASE WHEN d.planted <> (('x' || left(md5('reviewer' || d.alert_id), 7))::bit(28)::int % 20 = 0)
                                    THEN 'confirmed' ELSE 'false_positive' END,
                               'demo reviewer: checked against the case file') r \gset

-- Rectification (整改, 反馈销号): three in five confirmed alerts are fixed in time.
INSERT INTO cleangov.rectification (alert_id, measures, evidence)
SELECT alert_id, '整改完成: measures taken and filed', jsonb_build_object('filed', 'demo')
  FROM cleangov.alert
 WHERE status = 'open' AND review_verdict = 'confirmed' AND alert_id % 5 < 3;

-- 31 days later the rest are overdue: a talk with the unit head (约谈), one level up.
SELECT count(*) AS talks FROM cleangov.escalate_overdue(now() + interval '31 days') \gset
-- After the talk half of them rectify ...
INSERT INTO cleangov.rectification (alert_id, measures, evidence)
SELECT alert_id, '约谈后整改完成', jsonb_build_object('filed', 'demo', 'after', 'talk')
  FROM cleangov.alert
 WHERE status = 'open' AND escalation_step = 1 AND alert_id % 2 = 0;
-- ... the others are still open at the new deadline: accountability (问责).
SELECT count(*) AS accountability FROM cleangov.escalate_overdue(now() + interval '62 days') \gset

-- Recurrence (反弹): a contract whose frequent changes were rectified is changed
-- once more; the rule fires again for the same contract within the window.
SELECT a.subject_key AS recurring_contract, a.alert_id AS closed_alert
  FROM cleangov.alert a
 WHERE a.rule_code = 'PROC_FREQUENT_CHANGES' AND a.status = 'closed'
 ORDER BY a.alert_id LIMIT 1 \gset
INSERT INTO gov.contract_change (change_id, contract_id, changed_on, change_kind, amount_delta, reason)
SELECT max(change_id) + 1, :recurring_contract, current_date, 'amount', 50000, '追加工程量'
  FROM gov.contract_change;
SELECT count(*) AS rerun FROM cleangov.run('PROC_FREQUENT_CHANGES') \gset
RESET client_min_messages;

\echo '== the closed loop: reviewed' :reviewed 'alerts, escalated' :talks 'to a talk and' :accountability 'to accountability'
SELECT a.status, cleangov.status_zh(a.status) AS status_zh,
       coalesce(cleangov.escalation_step_name(a.escalation_step), '-') AS escalation,
       count(*) AS alerts, max(a.level) AS worst_level
  FROM cleangov.alert a
 GROUP BY 1, 2, 3 ORDER BY 1, 3;

\echo '== the audit trail (cleangov.alert_event)'
SELECT event, count(*) AS events FROM cleangov.alert_event GROUP BY event ORDER BY events DESC, event;

\echo '== recurrence: the problem came back after its rectification'
SELECT n.alert_id, n.rule_code, n.subject_kind, n.subject_key, n.recurrence_of,
       o.level AS closed_level, n.level AS new_level, n.value AS changes
  FROM cleangov.alert n JOIN cleangov.alert o ON o.alert_id = n.recurrence_of
 ORDER BY n.alert_id;

\echo '== rule effectiveness (feedback for threshold tuning), the ten rules with most alerts'
SELECT rule_code, raised, reviewed, precision, median_days_to_close, recurrence_rate, overdue
  FROM cleangov.rule_effectiveness WHERE raised > 0
 ORDER BY raised DESC, rule_code LIMIT 10;

\echo '== threshold suggestions from the reviews (cleangov.suggest_thresholds, doc/tuning.md): target precision 0.8'
SELECT s.threshold_key AS key, r.rule_code, s.direction AS fires, s.current_value AS now,
       s.suggested_value AS suggested, round(s.precision_now::numeric, 3) AS precision_now,
       round(s.precision_at_suggested::numeric, 3) AS precision_then, round(s.recall_kept::numeric, 3) AS recall_kept,
       s.verdicts, s.confirmed, s.false_positive, left(s.note, 60) AS note
  FROM (SELECT DISTINCT a.rule_code FROM cleangov.alert a WHERE a.review_verdict IS NOT NULL) r,
       LATERAL cleangov.suggest_thresholds(r.rule_code) s
 WHERE s.threshold_key = cleangov.rule_threshold_key(r.rule_code)
 ORDER BY r.rule_code;

\echo '== risk heat map (风险热力图): open alerts per domain and region'
SELECT domain_zh, region_code, open_alerts, worst_level_zh AS worst, red, orange, yellow, blue
  FROM cleangov.risk_heat_map ORDER BY open_alerts DESC, domain_zh, region_code LIMIT 10;

\echo '== the risk notice (风险提示单) of the recurring alert'
\pset format unaligned
\pset tuples_only on
SELECT cleangov.risk_notice(max(alert_id)) FROM cleangov.alert WHERE recurrence_of IS NOT NULL;
