-- Cardinal's R044, business similarities between suppliers: cases written
-- from docs/cli/indicators/R/044.md (cardinal-rs 1891189c) as OCDS compiled
-- releases.  Two tenderers among a process's parties with one address
-- (only where a street address is given; trimmed, lower-cased) or one first
-- contact-point field both have (name, e-mail, telephone, fax, URL);
-- parties without contact points or street address; roles; the process and
-- the tenderers flagged.  PROC_SHARED_CONTACTS reads the register instead.
BEGIN;
SELECT plan(9);
\ir ocds_cases.psql

-- A release of two or three parties (each a jsonb party without its id and
-- roles: those are added, T1, T2, T3 as tenderers unless roles are given).
CREATE FUNCTION card.rel(ocid text, parties jsonb[], status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('ocid', ocid, 'buyer', jsonb_build_object('id', 'B1'),
           'tender', jsonb_strip_nulls(jsonb_build_object('id', ocid, 'procurementMethod', 'open', 'status', status)),
           'parties', (SELECT jsonb_agg(jsonb_build_object('id', 'T' || i, 'roles', '["tenderer"]'::jsonb) || p ORDER BY i)
                         FROM unnest(parties) WITH ORDINALITY u(p, i))) $$;
INSERT INTO card.releases (data) VALUES
  (card.rel('address', ARRAY[
     '{"address": {"streetAddress": "1 Collusion Street", "locality": "Atlantis", "countryName": "AT"}}',
     '{"address": {"streetAddress": " 1 collusion street ", "locality": "ATLANTIS", "countryName": "at"}}',
     '{"address": {"streetAddress": "2 Collusion Street", "locality": "Atlantis", "countryName": "AT"}}']::jsonb[])),
  (card.rel('no-street', ARRAY[
     '{"address": {"locality": "Atlantis", "postalCode": "1000", "countryName": "AT"}}',
     '{"address": {"locality": "Atlantis", "postalCode": "1000", "countryName": "AT"}}']::jsonb[])),
  (card.rel('other-part', ARRAY[                                         -- one street, another postal code
     '{"address": {"streetAddress": "1 Main", "postalCode": "1000"}}',
     '{"address": {"streetAddress": "1 Main", "postalCode": "2000"}}']::jsonb[])),
  (card.rel('name', ARRAY['{"contactPoint": {"name": "Ana", "email": "a@x.at"}}', '{"contactPoint": {"name": "Ana", "email": "b@y.at"}}']::jsonb[])),
  (card.rel('first-differs', ARRAY[                                      -- same e-mail, but the names differ
     '{"contactPoint": {"name": "Ana", "email": "one@x.at"}}', '{"contactPoint": {"name": "Bob", "email": "one@x.at"}}']::jsonb[])),
  (card.rel('first-both', ARRAY[                                         -- a name on one side only: the e-mail is the first both have
     '{"contactPoint": {"email": "one@x.at"}}', '{"contactPoint": {"name": "Bob", "email": "one@x.at"}}']::jsonb[])),
  (card.rel('fax', ARRAY['{"contactPoint": {"faxNumber": "555"}}', '{"contactPoint": {"telephone": "1", "faxNumber": "555"}}']::jsonb[])),
  (card.rel('no-contact', ARRAY['{"name": "One"}', '{"name": "One"}', '{"contactPoint": {}}']::jsonb[])),
  (card.rel('buyer-too', ARRAY[                                          -- a buyer and a supplier are no tenderers
     '{"roles": ["buyer"], "contactPoint": {"telephone": "777"}}', '{"contactPoint": {"telephone": "777"}}',
     '{"roles": ["supplier"], "contactPoint": {"telephone": "777"}}']::jsonb[])),
  (card.rel('cancelled', ARRAY['{"contactPoint": {"telephone": "888"}}', '{"contactPoint": {"telephone": "888"}}']::jsonb[], 'cancelled'));
-- T1 of "name" is a supplier and a tenderer: roles hold several codes
UPDATE card.releases SET data = jsonb_set(data, '{parties,0,roles}', '["supplier", "tenderer"]') WHERE data->>'ocid' = 'name';
SELECT cleangov.bind_ocds('card.releases');

SELECT results_eq($$SELECT subject_key, value FROM card.hits('R044') WHERE subject_kind = 'tender'$$,
  $$VALUES ('address', 1::numeric), ('fax', 1), ('first-both', 1), ('name', 1)$$,
  'processes: one address with a street, one first shared contact field fire (1.0); no street, another postal code, a differing first field, no contact point, a buyer, a cancelled process do not');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R044') WHERE subject_kind = 'enterprise'$$,
  $$VALUES ('T1', 1::numeric), ('T2', 1)$$, 'tenderers: T1 and T2 (T3 of "address" has another street)');
SELECT is(card.evidence('R044', 'tender', 'address'), '{"pairs": [{"address": true, "tenderers": ["T1", "T2"], "contact_point": false}]}',
          'evidence: the pair and what they share');
SELECT is(card.evidence('R044', 'enterprise', 'T2'), '{"tenders": ["address", "fax", "first-both", "name"]}', 'a tenderer''s processes');

-- A party's id is per process: a third party T3 in "first-differs" with Bob's name flags T2 and T3 there
UPDATE card.releases SET data = jsonb_set(data, '{parties}', data->'parties' || '[{"id": "T3", "roles": ["tenderer"], "contactPoint": {"name": "Bob"}}]')
 WHERE data->>'ocid' = 'first-differs';
SELECT is(card.evidence('R044', 'tender', 'first-differs'), '{"pairs": [{"address": false, "tenderers": ["T2", "T3"], "contact_point": true}]}',
          'one name, the first field both have: T2 and T3 match, T1 does not');
SELECT card.set('R044', '{"exclude_procurement_method_details": ["Sorteo"]}');
UPDATE card.releases SET data = jsonb_set(data, '{tender,procurementMethodDetails}', '"Sorteo"') WHERE data->>'ocid' = 'fax';
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R044') WHERE subject_key = 'fax'), 'exclude_procurement_method_details');

SELECT is((SELECT status || ':' || hits FROM cleangov.run('R044')), 'ok:7', 'run() raises 4 processes and 3 tenderers');

-- PROC_SHARED_CONTACTS: the enterprise register (one row per firm, whatever process named it)
CREATE TABLE card.firm (eid text, address text, phone text, email text);
CREATE TABLE card.bid (bid text, tid text, firm text);
INSERT INTO card.firm VALUES ('F1', '黄河路1号', '0516-1', 'f1@x.cn'), ('F2', '黄河路1号', '0516-2', 'f2@x.cn'), ('F3', '黄河路3号', '0516-3', 'f3@x.cn');
INSERT INTO card.bid VALUES ('1', 'address', 'F1'), ('2', 'address', 'F2'), ('3', 'name', 'F1'), ('4', 'name', 'F3');
SELECT cleangov.bind('enterprise', 'card.firm', '{"enterprise_id": "eid"}');
SELECT cleangov.bind('bid', 'card.bid', '{"bid_id": "bid", "tender_id": "tid", "bidder_id": "firm", "amount": {"value": 1}}');
SELECT results_eq($$SELECT subject_kind, subject_key, value FROM card.hits('PROC_SHARED_CONTACTS')$$,
  $$VALUES ('tender', 'address', 1::numeric)$$, 'PROC_SHARED_CONTACTS: F1 and F2 share an address in the register; F1 and F3 share nothing');
SELECT is((SELECT status || ':' || hits FROM cleangov.run('PROC_SHARED_CONTACTS')), 'ok:1', 'and runs');

SELECT * FROM finish();
ROLLBACK;
