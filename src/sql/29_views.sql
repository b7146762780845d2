-- Views of the closed loop for people and BI tools, with Chinese labels beside
-- the codes.  security_invoker: an inspector sees only the alerts of the units
-- assigned to it (row-level security of cleangov.alert applies through them).
-- See doc/alerts.md.

CREATE VIEW @extschema@.alert_detail WITH (security_invoker = true) AS
SELECT a.alert_id, a.rule_code, r.name_en AS rule_name_en, r.name_zh AS rule_name_zh,
       r.domain, coalesce(d.label_zh, r.domain) AS domain_zh,
       a.subject_kind, a.subject_key, a.period,
       a.unit_code, u.name AS unit_name, u.name_zh AS unit_name_zh, u.region_code,
       a.value, a.threshold, a.level, li.label_zh AS level_zh,
       li.handling_en, li.handling_zh, a.evidence,
       a.status, @extschema@.status_zh(a.status) AS status_zh,
       a.raised_at, a.due_at, a.closed_at,
       a.status = 'open' AND a.due_at < now() AS overdue,
       a.escalation_step, @extschema@.alert_step_name(a.rule_code, a.hit_level, a.escalation_step) AS escalation,
       @extschema@.alert_step_name(a.rule_code, a.hit_level, a.escalation_step, 'zh') AS escalation_zh,
       a.recurrence_of, a.review_verdict, a.source_table, a.source_key
  FROM @extschema@.alert a
  JOIN @extschema@.rule r ON r.rule_code = a.rule_code
  JOIN @extschema@.level_info li ON li.level = a.level
  LEFT JOIN @extschema@.unit u ON u.unit_code = a.unit_code
  LEFT JOIN @extschema@.domain_info d ON d.domain = r.domain;
COMMENT ON VIEW @extschema@.alert_detail IS
  'Every alert with rule, domain, unit, level and status labels in English and Chinese, required handling, overdue flag and escalation.';

CREATE VIEW @extschema@.open_alerts WITH (security_invoker = true) AS
SELECT * FROM @extschema@.alert_detail WHERE status = 'open';
COMMENT ON VIEW @extschema@.open_alerts IS
  'Open alerts (待整改) with labels in English and Chinese.';

CREATE VIEW @extschema@.overdue_alerts WITH (security_invoker = true) AS
SELECT d.*, floor(extract(epoch FROM now() - d.due_at) / 86400)::integer AS days_overdue
  FROM @extschema@.alert_detail d
 WHERE d.overdue;
COMMENT ON VIEW @extschema@.overdue_alerts IS
  'Open alerts past their deadline (超期未整改), with days overdue and the step of its handling ladder reached (under the shipped ladder 约谈, then 问责).';

CREATE VIEW @extschema@.alerts_by_unit_level WITH (security_invoker = true) AS
WITH RECURSIVE tree(ancestor, unit_code) AS (
  SELECT u.unit_code, u.unit_code FROM @extschema@.unit u
  UNION
  SELECT t.ancestor, u.unit_code FROM tree t JOIN @extschema@.unit u ON u.parent_code = t.unit_code
), open_alerts AS (
  SELECT a.unit_code, a.level, count(*) AS n
    FROM @extschema@.alert a WHERE a.status = 'open' GROUP BY a.unit_code, a.level
)
SELECT u.unit_code, u.name AS unit_name, u.name_zh AS unit_name_zh, u.region_code,
       l.level, @extschema@.level_zh(l.level) AS level_zh,
       coalesce(sum(o.n) FILTER (WHERE t.unit_code = u.unit_code), 0)::bigint AS open_alerts,
       coalesce(sum(o.n), 0)::bigint AS open_alerts_subtree
  FROM @extschema@.unit u
  CROSS JOIN unnest(enum_range(NULL::@extschema@.level)) l(level)
  JOIN tree t ON t.ancestor = u.unit_code
  LEFT JOIN open_alerts o ON o.unit_code = t.unit_code AND o.level = l.level
 WHERE l.level > 'green'
 GROUP BY u.unit_code, u.name, u.name_zh, u.region_code, l.level;
COMMENT ON VIEW @extschema@.alerts_by_unit_level IS
  'Open alerts per unit and level: of the unit itself and rolled up over its subtree.';

CREATE VIEW @extschema@.risk_heat_map WITH (security_invoker = true) AS
SELECT r.domain, coalesce(d.label_zh, r.domain) AS domain_zh,
       coalesce(u.region_code, '') AS region_code,
       count(*) AS open_alerts,
       max(a.level) AS worst_level, @extschema@.level_zh(max(a.level)) AS worst_level_zh,
       count(*) FILTER (WHERE a.level = 'blue') AS blue,
       count(*) FILTER (WHERE a.level = 'yellow') AS yellow,
       count(*) FILTER (WHERE a.level = 'orange') AS orange,
       count(*) FILTER (WHERE a.level = 'red') AS red,
       count(*) FILTER (WHERE a.due_at < now()) AS overdue
  FROM @extschema@.alert a
  JOIN @extschema@.rule r ON r.rule_code = a.rule_code
  LEFT JOIN @extschema@.unit u ON u.unit_code = a.unit_code
  LEFT JOIN @extschema@.domain_info d ON d.domain = r.domain
 WHERE a.status = 'open'
 GROUP BY r.domain, d.label_zh, coalesce(u.region_code, '');
COMMENT ON VIEW @extschema@.risk_heat_map IS
  'Risk heat map (风险热力图): open alerts per domain × region with the worst level and counts per level (region '''' when the unit is unknown).';

CREATE VIEW @extschema@.rule_effectiveness WITH (security_invoker = true) AS
SELECT r.rule_code, r.name_en, r.name_zh, r.domain, coalesce(d.label_zh, r.domain) AS domain_zh, r.enabled,
       count(a.alert_id) AS raised,
       count(a.review_verdict) AS reviewed,
       count(*) FILTER (WHERE a.review_verdict = 'confirmed') AS confirmed,
       count(*) FILTER (WHERE a.review_verdict = 'false_positive') AS false_positives,
       round((count(*) FILTER (WHERE a.review_verdict = 'confirmed'))::numeric
             / nullif(count(a.review_verdict), 0), 4) AS precision,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.closed_at - a.raised_at) / 86400)
               FILTER (WHERE a.status = 'closed'))::numeric, 2) AS median_days_to_close,
       round((count(a.recurrence_of))::numeric / nullif(count(a.alert_id), 0), 4) AS recurrence_rate,
       count(*) FILTER (WHERE a.status = 'open' AND a.due_at < now()) AS overdue
  FROM @extschema@.rule r
  LEFT JOIN @extschema@.alert a ON a.rule_code = r.rule_code
  LEFT JOIN @extschema@.domain_info d ON d.domain = r.domain
 GROUP BY r.rule_code, d.label_zh;
COMMENT ON VIEW @extschema@.rule_effectiveness IS
  'Per rule: alerts raised, reviewed, confirmed, false positives, precision (confirmed ÷ reviewed), median days to close (closed alerts), recurrence rate (recurrences ÷ raised), overdue open alerts: the feedback for threshold tuning.';

GRANT SELECT ON @extschema@.alert_detail, @extschema@.open_alerts, @extschema@.overdue_alerts,
  @extschema@.alerts_by_unit_level, @extschema@.risk_heat_map, @extschema@.rule_effectiveness
  TO cleangov_admin, cleangov_inspector, cleangov_analyst;
