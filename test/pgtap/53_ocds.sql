-- OCDS in (issue 13): compiled releases written here by hand, loaded into a
-- jsonb table with a hostile schema, table and column name, bound with
-- cleangov.bind_ocds(); every mapped column of every shape checked exactly;
-- what is not a compiled release reported by ocds_problems(); coverage;
-- materialize and refresh; errors with their SQLSTATEs; and a library rule
-- (R030) firing on a case planted in the releases.
BEGIN;
SELECT plan(40);
SET client_min_messages = warning;
SET TimeZone = 'UTC';

CREATE SCHEMA "o""; DROP TABLE x; --";
CREATE TABLE "o""; DROP TABLE x; --"."rel's ""r"" ; --" ("da ta""" jsonb, n int, txt text);

INSERT INTO "o""; DROP TABLE x; --"."rel's ""r"" ; --" ("da ta""", n) VALUES
-- a full process: three bids (one without id, a joint bid, a numeric
-- tenderer id), an award with two suppliers, items in the tender and an
-- award, parties with and without contact points, a non-numeric amount and
-- an impossible date
($j${"ocid": "ocds-1", "tag": ["compiled"], "date": "2024-03-01T00:00:00Z",
  "buyer": {"id": "B1", "name": "Buyer one"},
  "tender": {"status": "complete", "procurementMethod": "open", "procurementMethodDetails": "Licitación Pública",
             "mainProcurementCategory": "works", "numberOfTenderers": 3, "awardCriteria": "lowestCost",
             "value": {"amount": 1000.5, "currency": "USD"}, "procuringEntity": {"id": "PE1"},
             "tenderPeriod": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2024-01-15T10:00:00-05:00"},
             "items": [{"id": "i1", "description": "roads", "classification": {"scheme": "CPV", "id": "45233120"}},
                       {"classification": {"scheme": "CPV", "id": "45200000"}}]},
  "bids": {"details": [
     {"id": "b1", "status": "valid", "date": "2024-01-10T09:30:00Z", "value": {"amount": 900, "currency": "USD"}, "tenderers": [{"id": "T1"}]},
     {"status": "valid", "date": "2024-01-11", "value": {"amount": "n/a", "currency": "USD"}, "tenderers": [{"id": "T2"}, {"id": "T3"}]},
     {"id": 3, "status": "disqualified", "value": {"amount": 950}, "tenderers": [{"id": 4}]}]},
  "awards": [{"id": 1, "status": "active", "date": "2024-01-20T00:00:00Z", "value": {"amount": 900, "currency": "USD"},
              "suppliers": [{"id": "T1"}], "items": [{"id": "i1", "classification": {"scheme": "CPV", "id": "45233120"}}]},
             {"id": "a2", "status": "pending", "value": {"amount": 1200, "currency": "EUR"}, "suppliers": [{"id": "T2"}, {"id": "T3"}],
              "items": [{"classification": {"id": "45200000"}, "description": "bridge"}]}],
  "contracts": [{"id": "c1", "awardID": "1", "value": {"amount": 900, "currency": "USD"}, "dateSigned": "2024-02-01T00:00:00Z"},
                {"awardID": "a2", "value": {"amount": 1100}, "dateSigned": "2024-02-30"}],
  "parties": [{"id": "B1", "name": "Buyer one", "roles": ["buyer"],
               "address": {"streetAddress": "1 Plaza", "locality": "Lima", "region": "LIM", "postalCode": "15001", "countryName": "Peru"},
               "contactPoint": {"name": "Ana", "email": "ana@b1.pe", "telephone": "+51 1", "faxNumber": "+51 2", "url": "http://b1.pe"}},
              {"id": "PE1", "name": "Agency", "roles": ["procuringEntity"]},
              {"id": "T1", "name": "Firm one", "roles": ["tenderer", "supplier"], "address": {"streetAddress": "2 Road"},
               "contactPoint": {"email": "x@t1.pe", "telephone": "555"}},
              {"id": "T2", "name": "Firm two", "roles": ["tenderer", "supplier"]},
              {"id": "T3", "name": "Firm three", "roles": ["tenderer", "supplier"]},
              {"id": 4, "name": "Firm four", "roles": ["tenderer"]},
              {"name": "no id", "roles": ["tenderer"]}]}$j$, 1),
-- a late bid that won (R030), 1.0 award criteria bestProposal, a number of
-- tenderers that is not a whole number
($j${"ocid": "ocds-late", "tag": ["compiled"], "buyer": {"id": "B1"},
  "tender": {"procurementMethod": "direct", "awardCriteria": "bestProposal", "numberOfTenderers": 2.5,
             "tenderPeriod": {"endDate": "2024-03-01T00:00:00Z"}},
  "bids": {"details": [{"id": "b1", "status": "valid", "date": "2024-03-02T00:00:00Z", "value": {"amount": 10}, "tenderers": [{"id": "T9"}]}]},
  "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "T9"}]}],
  "parties": [{"id": "B1", "name": "Buyer 1 (second name)", "roles": ["buyer"]}, {"id": "T9", "roles": ["tenderer", "supplier"]}]}$j$, 2),
-- the same kind of case in time: no hit
($j${"ocid": "ocds-ontime", "tag": ["compiled"], "buyer": {"id": "B1"}, "tender": {"tenderPeriod": {"endDate": "2024-03-01T00:00:00Z"}},
  "bids": {"details": [{"id": "b1", "status": "valid", "date": "2024-02-28T00:00:00Z", "value": {"amount": 10}, "tenderers": [{"id": "T9"}]}]},
  "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "T9"}]}]}$j$, 3),
-- no ocid, an ocid that is not a string, not an object: left out
($j${"tag": ["compiled"], "tender": {"id": "x"}}$j$, 4),
($j${"ocid": 7, "tag": ["compiled"]}$j$, 5),
($j$[1, 2]$j$, 6),
(NULL, 7),
-- one ocid twice, a release that is not compiled
($j${"ocid": "ocds-dup", "tag": ["compiled"]}$j$, 8),
($j${"ocid": "ocds-dup", "tag": ["compiled"]}$j$, 9),
($j${"ocid": "ocds-rel", "tag": ["tender"], "tender": {"value": {"amount": "12,00"}}}$j$, 10),
-- wrong types everywhere: nothing breaks
($j${"ocid": "ocds-odd", "buyer": "B1", "tender": {"items": {"id": 1}, "tenderPeriod": "soon", "numberOfTenderers": "3"},
  "bids": {"details": {"id": "x"}}, "awards": [{"suppliers": {"id": "S"}, "items": "none"}, "x"], "contracts": "none",
  "parties": [1, "x", {"id": "P", "roles": "buyer"}]}$j$, 11);

SELECT lives_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'da ta"')$$,
                'bind_ocds binds a table with hostile schema, table and column names');
SELECT is((SELECT array_agg(b.shape::text || '=' || b.source::text ORDER BY b.shape) FROM cleangov.binding b),
          ARRAY['award=cleangov_ocds."rel''s ""r"" ; --_award"', 'bid=cleangov_ocds."rel''s ""r"" ; --_bid"',
                'consortium_member=cleangov_ocds."rel''s ""r"" ; --_consortium_member"', 'contract=cleangov_ocds."rel''s ""r"" ; --_contract"',
                'enterprise=cleangov_ocds."rel''s ""r"" ; --_enterprise"', 'item=cleangov_ocds."rel''s ""r"" ; --_item"',
                'party=cleangov_ocds."rel''s ""r"" ; --_party"', 'tender=cleangov_ocds."rel''s ""r"" ; --_tender"'],
          'the eight shapes are bound to views in cleangov_ocds named after the table');
SELECT is((SELECT array_agg(DISTINCT c.relkind::text) FROM cleangov.binding b JOIN pg_class c ON c.oid = b.source), '{v}', 'views by default');

SELECT results_eq($$SELECT tender_id, buyer_id, unit_code, method, category, item_class, period_start, period_end, estimated_value,
                           random_draw, status, project_id, procuring_entity_id, method_details, number_of_tenderers, award_criteria, currency
                      FROM cleangov_bound.tender ORDER BY tender_id COLLATE "C"$$,
  $$VALUES ('ocds-1', 'B1', NULL::text, 'open', 'works', '45233120', '2024-01-01 00:00Z'::timestamptz, '2024-01-15 15:00Z'::timestamptz,
            1000.5::numeric, NULL::boolean, 'complete', NULL::text, 'PE1', 'Licitación Pública', 3, 'priceOnly', 'USD'),
           ('ocds-dup', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-dup', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-late', 'B1', NULL, 'direct', NULL, NULL, NULL, '2024-03-01 00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'ratedCriteria', NULL),
           ('ocds-odd', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-ontime', 'B1', NULL, NULL, NULL, NULL, NULL, '2024-03-01 00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-rel', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)$$,
  'tender: ocid, buyer, method and its details, category, first item class, tender period, value and currency, procuring entity, number of tenderers, award criteria (1.0 codes read as 1.1); releases without a string ocid left out');

SELECT results_eq($$SELECT bid_id, tender_id, bidder_id, amount, submitted_at, status, currency, tenderer_count FROM cleangov_bound.bid ORDER BY bid_id COLLATE "C"$$,
  $$VALUES ('ocds-1/2', 'ocds-1', 'T2', NULL::numeric, '2024-01-11 00:00Z'::timestamptz, 'valid', 'USD', 2),
           ('ocds-1/3', 'ocds-1', '4', 950, NULL, 'disqualified', NULL, 1),
           ('ocds-1/b1', 'ocds-1', 'T1', 900, '2024-01-10 09:30Z', 'valid', 'USD', 1),
           ('ocds-late/b1', 'ocds-late', 'T9', 10, '2024-03-02 00:00Z', 'valid', NULL, 1),
           ('ocds-ontime/b1', 'ocds-ontime', 'T9', 10, '2024-02-28 00:00Z', 'valid', NULL, 1)$$,
  'bid: ocid/id (the position without an id; a numeric id as text), the first tenderer, amount (a string amount: NULL), date, status, currency, number of tenderers');

SELECT results_eq($$SELECT award_id, tender_id, supplier_id, amount, awarded_at, status, currency, supplier_count FROM cleangov_bound.award ORDER BY award_id COLLATE "C"$$,
  $$VALUES ('ocds-1/1', 'ocds-1', 'T1', 900::numeric, '2024-01-20 00:00Z'::timestamptz, 'active', 'USD', 1),
           ('ocds-1/a2', 'ocds-1', 'T2', 1200, NULL, 'pending', 'EUR', 2),
           ('ocds-late/a', 'ocds-late', 'T9', NULL, NULL, 'active', NULL, 1),
           ('ocds-odd/1', 'ocds-odd', NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-odd/2', 'ocds-odd', NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-ontime/a', 'ocds-ontime', 'T9', NULL, NULL, 'active', NULL, 1)$$,
  'award: ocid/id, the first supplier, amount, date, status, currency, number of suppliers (suppliers that are not an array: none)');

SELECT results_eq($$SELECT contract_id, buyer_id, supplier_id, amount, unit_code, tender_id, method, category, item_class, market_price,
                           random_draw, signed_at, project_id, currency, award_id FROM cleangov_bound.contract ORDER BY contract_id COLLATE "C"$$,
  $$VALUES ('ocds-1/2', 'B1', 'T2', 1100::numeric, NULL::text, 'ocds-1', 'open', 'works', NULL::text, NULL::numeric, NULL::boolean,
            NULL::timestamptz, NULL::text, NULL::text, 'ocds-1/a2'),
           ('ocds-1/c1', 'B1', 'T1', 900, NULL, 'ocds-1', 'open', 'works', NULL, NULL, NULL, '2024-02-01 00:00Z', NULL, 'USD', 'ocds-1/1')$$,
  'contract: ocid/id, the release''s buyer, the supplier of its award, amount, date signed (an impossible date: NULL), currency, award, method and category of the tender');

SELECT results_eq($$SELECT item_id, tender_id, award_id, scheme, class_id, description FROM cleangov_bound.item ORDER BY item_id COLLATE "C"$$,
  $$VALUES ('ocds-1/1/i1', 'ocds-1', 'ocds-1/1', 'CPV', '45233120', NULL::text),
           ('ocds-1/2', 'ocds-1', NULL, 'CPV', '45200000', NULL),
           ('ocds-1/a2/1', 'ocds-1', 'ocds-1/a2', NULL, '45200000', 'bridge'),
           ('ocds-1/i1', 'ocds-1', NULL, 'CPV', '45233120', 'roads')$$,
  'item: tender items (ocid/id, no award) and award items (ocid/award id/id), scheme, class, description');

SELECT results_eq($$SELECT of_kind, of_id, member_id FROM cleangov_bound.consortium_member ORDER BY of_kind COLLATE "C", of_id COLLATE "C", member_id COLLATE "C"$$,
  $$VALUES ('award', 'ocds-1/a2', 'T2'), ('award', 'ocds-1/a2', 'T3'), ('bid', 'ocds-1/2', 'T2'), ('bid', 'ocds-1/2', 'T3')$$,
  'consortium_member: every tenderer of a joint bid, every supplier of an award to several, none for one');

SELECT results_eq($$SELECT tender_id, party_id, roles, name, street_address, locality, region, postal_code, country_name,
                           contact_name, email, telephone, fax_number, url FROM cleangov_bound.party ORDER BY tender_id COLLATE "C", party_id COLLATE "C"$$,
  $$VALUES ('ocds-1', '4', 'tenderer', 'Firm four', NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text),
           ('ocds-1', 'B1', 'buyer', 'Buyer one', '1 Plaza', 'Lima', 'LIM', '15001', 'Peru', 'Ana', 'ana@b1.pe', '+51 1', '+51 2', 'http://b1.pe'),
           ('ocds-1', 'PE1', 'procuringEntity', 'Agency', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-1', 'T1', 'tenderer,supplier', 'Firm one', '2 Road', NULL, NULL, NULL, NULL, NULL, 'x@t1.pe', '555', NULL, NULL),
           ('ocds-1', 'T2', 'tenderer,supplier', 'Firm two', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-1', 'T3', 'tenderer,supplier', 'Firm three', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-late', 'B1', 'buyer', 'Buyer 1 (second name)', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-late', 'T9', 'tenderer,supplier', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('ocds-odd', 'P', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)$$,
  'party: per process, roles comma-separated, address and contact point; parties without id left out');

SELECT results_eq($$SELECT enterprise_id, name, uscc, address, phone, email, legal_rep_id FROM cleangov_bound.enterprise ORDER BY enterprise_id COLLATE "C"$$,
  $$VALUES ('4', 'Firm four', NULL::text, NULL::text, NULL::text, NULL::text, NULL::text),
           ('B1', 'Buyer one', NULL, '1 Plaza, Lima, LIM, 15001, Peru', '+51 1', 'ana@b1.pe', NULL),
           ('P', NULL, NULL, NULL, NULL, NULL, NULL),
           ('PE1', 'Agency', NULL, NULL, NULL, NULL, NULL),
           ('T1', 'Firm one', NULL, '2 Road', '555', 'x@t1.pe', NULL),
           ('T2', 'Firm two', NULL, NULL, NULL, NULL, NULL),
           ('T3', 'Firm three', NULL, NULL, NULL, NULL, NULL),
           ('T9', NULL, NULL, NULL, NULL, NULL, NULL)$$,
  'enterprise: one row per party id, the details of its first process by ocid');

-- the problems
SELECT results_eq($$SELECT problem, ocid, rows, example FROM cleangov.ocds_problems('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'da ta"')$$,
  $$VALUES ('amount not a number', 'ocds-1', 1::bigint, 'bids.details[].value.amount: "n/a"'),
           ('amount not a number', 'ocds-rel', 1, 'tender.value.amount: "12,00"'),
           ('date not ISO 8601', 'ocds-1', 1, 'contracts[].dateSigned: "2024-02-30"'),
           ('duplicate ocid', 'ocds-dup', 2, NULL),
           ('no ocid', NULL, 3, '[1, 2]'),
           ('not compiled', 'ocds-rel', 1, '["tender"]'),
           ('ocid not a string', NULL, 1, '7')$$,
  'ocds_problems: non-numeric amounts and bad dates per release, duplicate ocids, rows without ocid, non-compiled releases, a numeric ocid');

-- coverage, one scan: per field the releases having it and its values; per
-- indicator the releases having all its fields (11 rows in all)
CREATE TEMP TABLE cov AS SELECT * FROM cleangov.ocds_coverage('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'da ta"');
SELECT results_eq($$SELECT name, releases, occurrences, total, share FROM cov WHERE kind = 'field'
                     AND name IN ('/ocid', '/bids/details[]/tenderers[]/id', '/bids/details[]/value/amount', '/awards[]/suppliers[]/id',
                                  '/parties[]/address/streetAddress or /parties[]/contactPoint/', '/tender/tenderPeriod/endDate')
                   ORDER BY name COLLATE "C"$$,
  $$VALUES ('/awards[]/suppliers[]/id', 4::bigint, 6::bigint, 11::bigint, 0.3636::numeric),
           ('/bids/details[]/tenderers[]/id', 3, 6, 11, 0.2727),
           ('/bids/details[]/value/amount', 3, 5, 11, 0.2727),
           ('/ocid', 8, 8, 11, 0.7273),
           ('/parties[]/address/streetAddress or /parties[]/contactPoint/', 1, 2, 11, 0.0909),
           ('/tender/tenderPeriod/endDate', 3, 3, 11, 0.2727)$$,
  'ocds_coverage per field: releases with a non-empty value (a string amount counts: it is there), the values, the share of the rows');
SELECT results_eq($$SELECT name, releases, share FROM cov WHERE kind = 'indicator' AND name IN ('R003', 'R028', 'R030', 'R044') ORDER BY name$$,
  $$VALUES ('R003', 1::bigint, 0.0909::numeric), ('R028', 3, 0.2727), ('R030', 3, 0.2727), ('R044', 1, 0.0909)$$,
  'ocds_coverage per indicator: the releases having every field it reads');
SELECT is((SELECT array_agg(name ORDER BY name) FROM cov WHERE kind = 'indicator'),
          '{R003,R018,R024,R025,R028,R030,R035,R036,R038,R044,R048,R055,R058}', 'coverage of the 13 R indicators');
SELECT is((SELECT related FROM cov WHERE kind = 'indicator' AND name = 'R003'),
          '{/tender/tenderPeriod/endDate,/tender/tenderPeriod/startDate}', 'an indicator''s fields');
SELECT is((SELECT rows FROM cleangov.binding_profile WHERE aspect = 'coverage' AND column_name = 'R028'), 3::bigint,
          'the binding profile shows the coverage per indicator');
SELECT throws_ok($$SELECT cleangov.ocds_coverage('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'txt')$$, '42804', NULL, 'ocds_coverage refuses a text column (42804)');

-- errors
SELECT throws_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'txt')$$, '42804', NULL, 'a text column is refused (42804)');
SELECT throws_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'nope')$$, '42703', NULL, 'an unknown column is refused (42703)');
SELECT throws_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"')$$, '42703', NULL, 'the default column data must exist (42703)');
SELECT throws_ok($$SELECT cleangov.ocds_problems('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'n')$$, '42804', NULL, 'ocds_problems refuses an int column (42804)');
SELECT throws_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', NULL)$$, '22004', NULL, 'a NULL column is refused (22004)');
SELECT throws_ok($$SELECT cleangov.refresh_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"')$$, '55000', NULL, 'refresh_ocds of views: nothing to refresh (55000)');
SELECT throws_ok($$SELECT cleangov.refresh_ocds('pg_class')$$, '42704', NULL, 'refresh_ocds of a table not bound (42704)');

-- materialized: the same rows, loaded once, indexed, reloaded by refresh_ocds()
SELECT lives_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'da ta"', materialize => true)$$,
                'bind_ocds with materialize => true');
SELECT is((SELECT array_agg(DISTINCT c.relkind::text) FROM cleangov.binding b JOIN pg_class c ON c.oid = b.source), '{m}',
          'the shapes are bound to materialized views');
SELECT is((SELECT count(*) FILTER (WHERE b.broken IS NOT NULL) FROM cleangov.binding b), 0::bigint, 'no binding left broken by the switch');
SELECT ok((SELECT count(*) FROM pg_index i JOIN cleangov.binding b ON b.source = i.indrelid WHERE b.shape = 'bid') = 3,
          'the bid relation has its three indexes (tender, bidder, key)');
SELECT is((SELECT array_agg(bid_id ORDER BY bid_id COLLATE "C") FROM cleangov_bound.bid),
          '{ocds-1/2,ocds-1/3,ocds-1/b1,ocds-late/b1,ocds-ontime/b1}', 'materialized: the same bids');
INSERT INTO "o""; DROP TABLE x; --"."rel's ""r"" ; --" ("da ta""") VALUES
 ('{"ocid": "ocds-new", "tag": ["compiled"], "bids": {"details": [{"id": "n1", "tenderers": [{"id": "T1"}]}]}}');
SELECT is((SELECT count(*) FROM cleangov_bound.bid), 5::bigint, 'a release loaded later is not seen before the refresh');
SELECT lives_ok($$SELECT cleangov.refresh_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"')$$, 'refresh_ocds');
SELECT is((SELECT count(*) FROM cleangov_bound.bid WHERE bid_id = 'ocds-new/n1'), 1::bigint, 'after the refresh it is');
SELECT lives_ok($$SELECT cleangov.bind_ocds('"o""; DROP TABLE x; --"."rel''s ""r"" ; --"', 'da ta"')$$, 'back to views');
SELECT is((SELECT array_agg(DISTINCT c.relkind::text) FROM cleangov.binding b JOIN pg_class c ON c.oid = b.source), '{v}',
          'views again');
SELECT is((SELECT count(*) FROM cleangov_bound.bid), 6::bigint, 'the views read the table as it is');
SELECT is((SELECT count(*) FROM cleangov.ocds_source), 1::bigint, 'one source recorded');

-- a library rule over the bound releases
UPDATE cleangov.rule SET enabled = (rule_code = 'R030');
SELECT is((SELECT status || ':' || hits FROM cleangov.run('R030')), 'ok:2', 'R030 runs over the bound releases: the process and its tenderer');
SELECT is((SELECT array_agg(a.subject_kind || ' ' || a.subject_key ORDER BY a.subject_kind) FROM cleangov.alert a WHERE a.rule_code = 'R030'),
          '{"enterprise T9","tender ocds-late"}', 'R030 flags the process whose late bid won, not the one in time, and the late winner');
SELECT is((SELECT (a.evidence ->> 'hours_late')::float8 FROM cleangov.alert a WHERE a.rule_code = 'R030' AND a.subject_kind = 'tender'), 24::float8,
          'its evidence: 24 hours late');

SELECT * FROM finish();
ROLLBACK;
