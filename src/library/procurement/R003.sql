-- R003: short submission period (投标截止期过短)
--
-- Cardinal's R003 (open-contracting/cardinal-rs docs/cli/indicators/R/003.md
-- and src/indicators/r003.rs, commit 39d18037 / 3265b522): a contracting
-- process is flagged when its submission period, tenderPeriod.endDate -
-- tenderPeriod.startDate in whole days (truncated toward zero, as chrono's
-- num_days), is shorter than its threshold.  The threshold is the one of its
-- procurementMethodDetails in {procurement_method_details} (an object of
-- method details -> days, Cardinal's [R003.procurement_method_details]) when
-- it has one, else {threshold} (15).  {procurement_methods} ([] : every
-- method, even none) limits the processes to those methods.  Left out:
-- cancelled processes, a missing start or end date, method details in
-- {exclude_procurement_method_details} (Cardinal's [exclusions]).  Value:
-- 1.0, as Cardinal's; the period and the threshold applied are the evidence.
-- cleangov's tuning before issue 13 (open tenders only) is the setting
-- {"procurement_methods": ["open"]}.  One difference in what is read: Cardinal
-- skips a date that is not RFC 3339 (a date without a time); bind_ocds()
-- reads a date alone as midnight, and the period counts.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R003', 'short submission period', '投标截止期过短', 'procurement', 'bid rigging', 'tender',
  '{"threshold": 15, "procurement_method_details": {}, "procurement_methods": [], "exclude_procurement_method_details": []}', 'yellow',
  'Submission period (tender period end minus start, whole days) shorter than {threshold} days, or than the days {procurement_method_details} gives for the tender''s procurement method details; {procurement_methods} ([]: all) limits the methods (Cardinal R003).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_expr, evidence_expr, needs, degrades) VALUES (
  'R003',
  'row',
  'tender',
  $$r.status IS DISTINCT FROM 'cancelled'
    AND (cardinality({procurement_methods}) = 0 OR r.method = ANY ({procurement_methods}))
    AND NOT coalesce(r.method_details = ANY ({exclude_procurement_method_details}), false)
    AND trunc(extract(epoch FROM r.period_end - r.period_start) / 86400)
        < coalesce(({procurement_method_details} -> r.method_details)::numeric, {threshold})$$,
  $$1$$,
  $$1$$,
  $$jsonb_build_object('days', trunc(extract(epoch FROM r.period_end - r.period_start) / 86400),
                       'threshold_days', coalesce(({procurement_method_details} -> r.method_details)::numeric, {threshold}),
                       'method', r.method, 'method_details', r.method_details,
                       'period_start', r.period_start, 'period_end', r.period_end)$$,
  '{tender.period_start,tender.period_end}'::text[],
  '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit", "tender.method_details": "one threshold for every tender, none excluded by its method details"}'::jsonb);
