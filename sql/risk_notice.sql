-- The risk notice (风险提示单) of an alert, as text and as jsonb, with fixed
-- times so the output is deterministic.
SET TimeZone = 'Asia/Shanghai';
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, kind, region_code) VALUES
  ('RN-CITY', NULL, 'Example City', '示例市', 'city', '320100'),
  ('RN-WORKS', 'RN-CITY', 'Works Bureau', '示例市住建局', 'department', '320100');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, scheme_code, thresholds)
VALUES ('RN_TEST', 'Winning price above market', '中标价格高于市场均价', 'procurement', 'inflated price',
        'contract', 'rule3', '{"pct_over": 20}');
SELECT action FROM cleangov.raise_alerts(ARRAY[
  ROW('RN_TEST', 'contract', 'C-2024-017', 'RN-WORKS', '2024-03', 41, 20, NULL,
      '{"price": 1410000, "market": 1000000}', 'gov.contract', '17')::cleangov.hit]);
UPDATE cleangov.alert SET raised_at = '2024-04-02 09:30+08', due_at = '2024-05-02 09:30+08'
 WHERE rule_code = 'RN_TEST';
-- (the notice number is the alert id, which depends on the suites run before)
SELECT regexp_replace(cleangov.risk_notice(alert_id), 'RN-[0-9]+', 'RN-n') FROM cleangov.alert WHERE rule_code = 'RN_TEST';
SELECT jsonb_pretty(cleangov.risk_notice_jsonb(alert_id) - 'alert_id' - 'notice_no')
  FROM cleangov.alert WHERE rule_code = 'RN_TEST';
SELECT cleangov.risk_notice(-1);
