-- R055, direct awards above the open-tender amount: Cardinal's draft
-- (cardinal-rs src/indicators/r055.rs dc3bab5e; its page is still the
-- template, and Cardinal does not run it yet), cases written here as OCDS
-- compiled releases.  Sums of active single-supplier awards of direct
-- processes per buyer and supplier and per procuring entity and supplier,
-- in the dates, in the main currency, against the lowest open tender value.
BEGIN;
SELECT plan(9);
\ir ocds_cases.psql

-- A release: method, buyer, procuring entity, tender value and start, and
-- awards (supplier ids separated by '+', amount, currency, date, status).
CREATE FUNCTION card.rel(ocid text, method text, buyer text, pe text, value numeric, start_date text, awards text[][] DEFAULT NULL,
                         status text DEFAULT NULL, currency text DEFAULT 'USD')
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object('ocid', ocid, 'buyer', jsonb_build_object('id', buyer),
           'tender', jsonb_strip_nulls(jsonb_build_object('id', ocid, 'procurementMethod', method, 'status', status,
                       'procuringEntity', CASE WHEN pe IS NOT NULL THEN jsonb_build_object('id', pe) END,
                       'value', CASE WHEN value IS NOT NULL THEN jsonb_build_object('amount', value, 'currency', currency) END,
                       'tenderPeriod', CASE WHEN start_date IS NOT NULL THEN jsonb_build_object('startDate', start_date) END)),
           'awards', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', 'a' || i, 'status', awards[i][5], 'date', awards[i][4],
                        'value', jsonb_strip_nulls(jsonb_build_object('amount', awards[i][2]::numeric, 'currency', awards[i][3])),
                        'suppliers', (SELECT jsonb_agg(jsonb_build_object('id', t)) FROM unnest(string_to_array(awards[i][1], '+')) t))) ORDER BY i)
                        FROM generate_subscripts(awards, 1) i))) $$;
INSERT INTO card.releases (data) VALUES
  (card.rel('open-500',  'open', 'B9', NULL, 500, '2024-02-01T00:00:00Z')),       -- the lowest open tender value in the dates
  (card.rel('open-800',  'open', 'B9', NULL, 800, '2024-03-01T00:00:00Z')),
  (card.rel('open-100',  'open', 'B9', NULL, 100, '2023-02-01T00:00:00Z')),       -- before the dates
  (card.rel('open-eur',  'open', 'B9', NULL, 50,  '2024-02-01T00:00:00Z', NULL, NULL, 'EUR')),   -- not the main currency
  (card.rel('d1', 'direct', 'B1', 'PE1', NULL, NULL, '{{S1,300,USD,2024-04-01T00:00:00Z,active},{S2,400,USD,2024-04-01T00:00:00Z,active}}')),
  (card.rel('d2', 'direct', 'B1', 'PE1', NULL, NULL, '{{S1,250,NULL,2024-05-01T00:00:00Z,NULL}}')),   -- NULL currency: USD; NULL status: active
  (card.rel('d3', 'direct', 'B2', NULL,  NULL, NULL, '{{S1,600,USD,2024-06-01T00:00:00Z,active}}')),
  (card.rel('pending', 'direct', 'B3', NULL, NULL, NULL, '{{S3,1000,USD,2024-06-01T00:00:00Z,pending}}')),
  (card.rel('consortium', 'direct', 'B3', NULL, NULL, NULL, '{{S3+S4,1000,USD,2024-06-01T00:00:00Z,active}}')),
  (card.rel('old', 'direct', 'B3', NULL, NULL, NULL, '{{S3,1000,USD,2023-06-01T00:00:00Z,active}}')),
  (card.rel('euro', 'direct', 'B3', NULL, NULL, NULL, '{{S3,1000,EUR,2024-06-01T00:00:00Z,active}}')),
  (card.rel('limited', 'limited', 'B4', NULL, NULL, NULL, '{{S5,1000,USD,2024-06-01T00:00:00Z,active}}')),
  (card.rel('cancelled', 'direct', 'B3', NULL, NULL, NULL, '{{S3,1000,USD,2024-06-01T00:00:00Z,active}}', 'cancelled'));
SELECT cleangov.bind_ocds('card.releases');
SELECT card.set('R055', '{"start_date": "2024-01-01", "end_date": "2024-12-31"}');

SELECT results_eq($$SELECT subject_kind, subject_key, value FROM card.hits('R055')$$,
  $$VALUES ('buyer', 'B1', 550::numeric), ('buyer', 'B2', 600), ('enterprise', 'S1', 600), ('procuring_entity', 'PE1', 550)$$,
  'B1 -> S1 550 and B2 -> S1 600 reach 500, the lowest open tender value: buyers, procuring entity, supplier (largest sum); S2 400 does not, nor pending, consortium, old, euro, limited or cancelled awards');
SELECT is(card.evidence('R055', 'buyer', 'B1'), '{"suppliers": [{"total": 550, "awards": 2, "supplier": "S1"}]}', 'a buyer''s evidence');
SELECT is(card.evidence('R055', 'enterprise', 'S1'),
          '{"pairs": [{"buyer": "B1", "total": 550, "awards": 2}, {"buyer": "B2", "total": 600, "awards": 1}, {"total": 550, "awards": 2, "procuring_entity": "PE1"}]}',
          'a supplier''s evidence: each flagged pair');
SELECT is((SELECT status || ':' || hits FROM cleangov.run('R055')), 'ok:4', 'run() raises the four');
SELECT results_eq($$SELECT DISTINCT level::text, threshold FROM cleangov.alert WHERE rule_code = 'R055'$$, $$VALUES ('yellow', 500::float8)$$,
                  'yellow, the threshold applied (the lowest open tender value) with each alert');
SELECT card.set('R055', '{"threshold": 600}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R055')$$, $$VALUES ('B2'), ('S1')$$, 'threshold 600: B2 -> S1 only (at least)');
SELECT card.set('R055', '{"threshold": null, "procurement_methods": []}');
SELECT ok(EXISTS (SELECT FROM card.hits('R055') WHERE subject_key = 'B4'), 'procurement_methods []: the limited process''s award counts (the draft''s code)');
SELECT card.set('R055', '{"procurement_methods": ["direct"], "start_date": "2024-04-01"}');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R055')$$,
  $$VALUES ('B1', 550::numeric), ('B2', 600), ('S1', 600), ('S2', 400), ('PE1', 550)$$,
  'no open tender in the dates: the threshold is 0 and every pair is flagged (as the draft)');
SELECT card.set('R055', '{"start_date": "2024-01-01", "currency": "EUR"}');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R055')$$, $$VALUES ('B1', 250::numeric), ('B3', 1000), ('S1', 250), ('S3', 1000), ('PE1', 250)$$,
  'currency EUR: the lowest open tender in EUR is 50; only EUR awards and the NULL-currency one count');

SELECT * FROM finish();
ROLLBACK;
