-- PROC_FREQUENT_CHANGES: frequent contract changes (合同频繁变更)
--
-- A contract changed {min_changes} times or more (seed 004).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_FREQUENT_CHANGES', 'frequent contract changes', '合同频繁变更', 'procurement', 'frequent changes', 'contract',
  '{"min_changes": 3}', 'yellow',
  'A contract changed {min_changes} times or more (seed 004).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, needs, degrades) VALUES (
  'PROC_FREQUENT_CHANGES',
  'set',
  $$
SELECT c.contract_id AS subject_key, c.unit_code, '' AS period, count(*)::float8 AS value,
       jsonb_build_object('changes', count(*), 'amount_delta', sum(x.amount_delta), 'kinds', jsonb_agg(x.kind ORDER BY x.changed_at, x.change_id, x.kind)) AS evidence
  FROM cleangov_bound.contract_change x JOIN cleangov_bound.contract c ON c.contract_id = x.contract_id
 GROUP BY c.contract_id, c.unit_code
HAVING count(*) >= {min_changes}$$,
  'min_changes',
  '{}'::text[],
  '{"contract.unit_code": "alerts carry no unit", "contract_change.amount_delta": "evidence lacks the amount changed", "contract_change.changed_at": "evidence lists the kinds by key, not by date", "contract_change.kind": "evidence lacks the kinds of change"}'::jsonb);
