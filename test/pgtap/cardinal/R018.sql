-- Cardinal's R018, single bid received: cases written from
-- docs/cli/indicators/R/018.md (cardinal-rs 5cab3550) as OCDS compiled
-- releases.  R018 reads tender.numberOfTenderers, not the bids; competitive
-- methods open and selective by default; procurement_methods; exclusions.
BEGIN;
SELECT plan(8);
\ir ocds_cases.psql

-- A release: method, number of tenderers, the tenderers of its bids, status.
CREATE FUNCTION card.rel(ocid text, method text, n int, tenderers text[] DEFAULT '{}', status text DEFAULT NULL, details text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('ocid', ocid, 'buyer', jsonb_build_object('id', 'B1'),
           'tender', jsonb_strip_nulls(jsonb_build_object('id', ocid, 'procurementMethod', method, 'numberOfTenderers', n, 'status', status,
                                                          'procurementMethodDetails', details)),
           'bids', jsonb_build_object('details', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', i, 'status', 'valid',
                                                    'value', jsonb_build_object('amount', 100 + i, 'currency', 'USD'),
                                                    'tenderers', jsonb_build_array(jsonb_build_object('id', t))) ORDER BY i), '[]')
                                                    FROM unnest(tenderers) WITH ORDINALITY u(t, i)))) $$;
INSERT INTO card.releases (data) VALUES
  (card.rel('open-1',      'open',      1, '{A}')),
  (card.rel('selective-1', 'selective', 1)),                       -- no bids published: the number counts
  (card.rel('limited-1',   'limited',   1, '{A}')),                -- not competitive
  (card.rel('open-2',      'open',      2, '{A,B}')),
  (card.rel('open-0',      'open',      0)),
  (card.rel('no-number',   'open',   NULL, '{A}')),                -- one bid, but no numberOfTenderers
  (card.rel('says-one',    'open',      1, '{A,B,C}')),            -- three bidders, the number says 1
  (card.rel('no-method',   NULL,        1, '{A}')),
  (card.rel('cancelled',   'open',      1, '{A}', 'cancelled')),
  (card.rel('sorteo',      'open',      1, '{A}', NULL, 'Sorteo'));
SELECT cleangov.bind_ocds('card.releases');

SELECT results_eq($$SELECT subject_kind, subject_key, value FROM card.hits('R018')$$,
  $$VALUES ('tender', 'open-1', 1::numeric), ('tender', 'says-one', 1), ('tender', 'selective-1', 1), ('tender', 'sorteo', 1)$$,
  'numberOfTenderers 1 on open or selective fires (value 1.0), whatever the bids; limited, 2, 0, none, no method or cancelled do not');
SELECT is(card.evidence('R018', 'tender', 'says-one'), '{"method": "open", "method_details": null, "number_of_tenderers": 1}',
          'evidence: the number and the method');
SELECT card.set('R018', '{"procurement_methods": []}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R018')$$,
  $$VALUES ('limited-1'), ('no-method'), ('open-1'), ('says-one'), ('selective-1'), ('sorteo')$$,
  'procurement_methods []: every method, even none');
SELECT card.set('R018', '{"procurement_methods": ["limited"], "exclude_procurement_method_details": ["Sorteo"]}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R018')$$, $$VALUES ('limited-1')$$, 'procurement_methods ["limited"]');
SELECT card.set('R018', '{"procurement_methods": ["open", "selective"]}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R018')$$, $$VALUES ('open-1'), ('says-one'), ('selective-1')$$,
  'exclude_procurement_method_details leaves Sorteo out');

-- PROC_SINGLE_BIDDER, cleangov's R018 from the bids: one distinct tenderer
SELECT results_eq($$SELECT subject_key FROM card.hits('PROC_SINGLE_BIDDER')$$, $$VALUES ('no-number'), ('open-1'), ('sorteo')$$,
  'PROC_SINGLE_BIDDER counts the bids: no-number fires, says-one (three bidders) and selective-1 (no bids) do not');

SELECT is((SELECT status || ':' || hits FROM cleangov.run('R018')), 'ok:3', 'run() raises the three');
SELECT results_eq($$SELECT DISTINCT level::text, value, subject_kind FROM cleangov.alert WHERE rule_code = 'R018'$$,
  $$VALUES ('yellow', 1::float8, 'tender')$$, 'yellow, value 1.0, on the OCID');

SELECT * FROM finish();
ROLLBACK;
