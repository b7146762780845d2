-- PROC_SHARED_CONTACTS: shared contact details among bidders (投标人联系方式相同)
--
-- cleangov's variant of Cardinal's R044 over the enterprise register:
-- different tenderers of one tender share an address, a telephone or an
-- e-mail as the register (shape enterprise) records them, whichever process
-- they were given in.  Before issue 13 this was R044 itself.  It finds what
-- Cardinal's R044 cannot where the procurement data names no parties with
-- contact points (Chinese registers: the bids name the firm, the business
-- register holds its address and phone), and compares every field, not only
-- the first both firms have; R044 now reads the parties of each process as
-- Cardinal does.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_SHARED_CONTACTS', 'shared contact details among bidders (register)', '投标人登记联系方式相同', 'procurement', 'bid rigging', 'tender',
  '{}', 'red',
  'Different tenderers in one tender share an address, telephone or e-mail in the enterprise register (R044 over the register).');

-- The bids are read from the shared pass tender_bids (55_pass.sql: cancelled
-- tenders are not in it); the firms' contacts directly.
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'PROC_SHARED_CONTACTS',
  'set',
  $$
WITH x AS (
  SELECT e.enterprise_id AS bidder_id, z.kind, z.v
    FROM cleangov_bound.enterprise e
   CROSS JOIN LATERAL (VALUES ('address', e.address), ('phone', e.phone), ('email', e.email)) z(kind, v)
   WHERE z.v IS NOT NULL AND z.v <> ''),
-- Only a value two firms share can link two bidders, so only those firms'
-- bids are read further (a tenth of the time at 10 M bids).
shared AS MATERIALIZED (
  SELECT x.bidder_id, x.kind, x.v FROM x
   WHERE (x.kind, x.v) IN (SELECT y.kind, y.v FROM x y GROUP BY y.kind, y.v HAVING count(DISTINCT y.bidder_id) >= 2)),
c AS (
  SELECT DISTINCT b.tender_id, b.unit_code, b.bidder_id, s.kind, s.v
    FROM cleangov_pass.tender_bids b JOIN shared s ON s.bidder_id = b.bidder_id),
s AS (
  SELECT c.tender_id, c.unit_code, c.kind, c.v, jsonb_agg(c.bidder_id ORDER BY c.bidder_id) AS bidders
    FROM c GROUP BY c.tender_id, c.unit_code, c.kind, c.v HAVING count(*) >= 2)
SELECT s.tender_id AS subject_key, s.unit_code, '' AS period, count(*)::float8 AS value, 1::float8 AS threshold,
       jsonb_agg(jsonb_build_object('shared', s.kind, 'value', s.v, 'bidders', s.bidders) ORDER BY s.kind, s.v) AS evidence
  FROM s
 GROUP BY s.tender_id, s.unit_code$$,
  '{}'::text[],
  '{"enterprise.address": "shared addresses are not found", "enterprise.phone": "shared telephones are not found", "enterprise.email": "shared e-mails are not found", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
