-- PROC_SINGLE_BIDDER: single bidder on a competitive tender (竞争性采购仅一家投标)
--
-- cleangov's variant of Cardinal's R018 for registers that record the bids
-- but not tender.numberOfTenderers (Chinese county registers, the demo):
-- one distinct tenderer among the submitted bids (not invited, not
-- withdrawn) of a tender of the listed {methods} (open, selective).  Before
-- issue 13 this was R018 itself (it also counted withdrawn bids); R018 now
-- reads numberOfTenderers as Cardinal does, and does not run without it.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_SINGLE_BIDDER', 'single bidder on a competitive tender', '竞争性采购仅一家投标', 'procurement', 'bid rigging', 'tender',
  '{"methods": ["open", "selective"]}', 'yellow',
  'One distinct tenderer among the submitted bids (not invited or withdrawn) of a tender of the listed {methods}; R018 read from the bids, where numberOfTenderers is not recorded.');

-- Read from the shared pass tender_bids (55_pass.sql: cancelled tenders are
-- not in it), evaluable for the tenders a statement touched.
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'PROC_SINGLE_BIDDER',
  'set',
  $$
SELECT b.tender_id AS subject_key, b.unit_code, '' AS period, count(DISTINCT b.bidder_id)::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('method', b.method, 'bidder_id', min(b.bidder_id)) AS evidence
  FROM cleangov_pass.tender_bids b
 WHERE b.method = ANY ({methods}) AND b.status NOT IN ('invited', 'withdrawn')
 GROUP BY b.tender_id, b.unit_code, b.method
HAVING count(DISTINCT b.bidder_id) = 1$$,
  '{}'::text[],
  '{"bid.status": "invited and withdrawn bids are not left out", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
