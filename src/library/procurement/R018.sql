-- R018: single bid received (仅一家投标)
--
-- Cardinal's R018 (open-contracting/cardinal-rs docs/cli/indicators/R/018.md
-- and src/indicators/r018.rs, commit 5cab3550): a contracting process is
-- flagged when tender.numberOfTenderers is 1 and its procurement method is
-- competitive, one of {procurement_methods} (open, selective; [] : every
-- method).  Cardinal reads the published number of tenderers, not the bids:
-- a process without numberOfTenderers is not flagged, whatever its bids.
-- Left out: cancelled processes, method details in
-- {exclude_procurement_method_details}.  Value: 1.0, as Cardinal's.
-- Registers that record the bids but not their number: PROC_SINGLE_BIDDER
-- counts the distinct tenderers of the submitted bids instead.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R018', 'single bid received', '仅一家投标', 'procurement', 'bid rigging', 'tender',
  '{"procurement_methods": ["open", "selective"], "exclude_procurement_method_details": []}', 'yellow',
  'The published number of tenderers is 1 on a competitive method, one of {procurement_methods} ([]: all) (Cardinal R018).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_expr, evidence_expr, needs, degrades) VALUES (
  'R018',
  'row',
  'tender',
  $$r.number_of_tenderers = 1 AND r.status IS DISTINCT FROM 'cancelled'
    AND (cardinality({procurement_methods}) = 0 OR r.method = ANY ({procurement_methods}))
    AND NOT coalesce(r.method_details = ANY ({exclude_procurement_method_details}), false)$$,
  $$1$$,
  $$1$$,
  $$jsonb_build_object('number_of_tenderers', r.number_of_tenderers, 'method', r.method, 'method_details', r.method_details)$$,
  '{tender.number_of_tenderers}'::text[],
  '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit", "tender.method_details": "no tender is excluded by its method details"}'::jsonb);
