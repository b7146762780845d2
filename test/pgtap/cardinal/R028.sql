-- Cardinal's R028, identical bid prices: cases written from
-- docs/cli/indicators/R/028.md (cardinal-rs 0aba121e) as OCDS compiled
-- releases.  Same amount and currency from different tenderer sets; only
-- submitted bids (not invited or withdrawn); joint bids by their members;
-- amounts in other currencies, missing amounts, tenderers without an id;
-- the price-comparison settings and the exclusions; the process and the
-- tenderers flagged.
BEGIN;
SELECT plan(12);
\ir ocds_cases.psql

-- A release whose bids are (tenderer ids separated by '+', amount, currency, status).
CREATE FUNCTION card.rel(ocid text, bids text[][], status text DEFAULT NULL, details text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('ocid', ocid, 'buyer', jsonb_build_object('id', 'B1'),
           'tender', jsonb_strip_nulls(jsonb_build_object('id', ocid, 'procurementMethod', 'open', 'status', status,
                                                          'procurementMethodDetails', details)),
           'bids', jsonb_build_object('details', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', 'b' || i,
                      'status', bids[i][4],
                      'value', CASE WHEN bids[i][2] IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object('amount', bids[i][2]::numeric, 'currency', bids[i][3])) END,
                      'tenderers', (SELECT jsonb_agg(CASE WHEN t = '-' THEN '{"name": "no id"}'::jsonb ELSE jsonb_build_object('id', t) END)
                                      FROM unnest(string_to_array(bids[i][1], '+')) t))) ORDER BY i)
                    FROM generate_subscripts(bids, 1) i))) $$;
INSERT INTO card.releases (data) VALUES
  (card.rel('same',        '{{A,100,USD,valid},{B,100,USD,valid},{C,120,USD,valid}}')),
  (card.rel('one-twice',   '{{A,100,USD,valid},{A,100,USD,valid},{B,110,USD,valid}}')),    -- a tenderer may bid its price twice
  (card.rel('currencies',  '{{A,100,USD,valid},{B,100,EUR,valid}}')),                     -- not the same price
  (card.rel('withdrawn',   '{{A,100,USD,valid},{B,100,USD,withdrawn},{C,100,USD,invited}}')),
  (card.rel('submitted',   '{{D,300,USD,pending},{E,300,USD,disqualified}}')),           -- pending and disqualified are submitted
  (card.rel('joint',       '{{A+B,200,USD,valid},{A,200,USD,valid}}')),                  -- {A,B} is not {A}
  (card.rel('joint-same',  '{{C+D,300,USD,valid},{D+C,300,USD,valid}}')),                -- one set of tenderers
  (card.rel('joint-other', '{{E+F,400,USD,valid},{E+G,400,USD,valid}}')),                -- same first tenderer, other members
  (card.rel('no-currency', '{{H,500,NULL,valid},{J,500,USD,valid}}')),                    -- NULL: the main currency (USD)
  (card.rel('no-amount',   '{{A,NULL,NULL,valid},{B,NULL,NULL,valid}}')),
  (card.rel('no-id',       '{{K,600,USD,valid},{-,600,USD,valid}}')),                    -- a tenderer without an id is none
  (card.rel('cancelled',   '{{A,700,USD,valid},{B,700,USD,valid}}', 'cancelled')),
  (card.rel('sorteo',      '{{L,800,USD,valid},{M,800,USD,valid}}', NULL, 'Sorteo'));
SELECT cleangov.bind_ocds('card.releases');

SELECT results_eq($$SELECT subject_key, value FROM card.hits('R028') WHERE subject_kind = 'tender'$$,
  $$VALUES ('joint', 1::numeric), ('joint-other', 1), ('no-currency', 1), ('same', 1), ('sorteo', 1), ('submitted', 1)$$,
  'processes: different tenderer sets at one amount and currency fire (1.0); one tenderer twice, other currencies, withdrawn or invited bids, one joint set, no amount, no id, cancelled do not');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R028') WHERE subject_kind = 'enterprise'$$,
  $$VALUES ('A', 1::numeric), ('B', 1), ('D', 1), ('E', 1), ('F', 1), ('G', 1), ('H', 1), ('J', 1), ('L', 1), ('M', 1)$$,
  'tenderers: every one of the flagged bids, joint bids'' members included (1.0); C, K not');
SELECT is(card.evidence('R028', 'tender', 'joint'), '{"prices": [{"amount": 200, "currency": "USD", "tenderers": ["A", "B"]}]}',
          'evidence of a process: the price and its tenderers');
SELECT is(card.evidence('R028', 'enterprise', 'A'), '{"tenders": ["joint", "same"]}', 'evidence of a tenderer: its flagged processes');

-- Currency: what a NULL currency means
SELECT card.set('R028', '{"currency": "EUR"}');
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R028') WHERE subject_key = 'no-currency'), 'currency EUR: the NULL-currency bid is in EUR, not USD');
SELECT card.set('R028', '{"currency": null}');
SAVEPOINT eur;
UPDATE card.releases SET data = replace(data::text, '"USD"', '"EUR"')::jsonb WHERE data->>'ocid' <> 'no-currency';
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R028') WHERE subject_key = 'no-currency') AND EXISTS (SELECT FROM card.hits('R028') WHERE subject_key = 'same'),
          'the main currency is the most frequent among the bids read: EUR now, so the NULL-currency bid is not J''s USD price');
ROLLBACK TO SAVEPOINT eur;

-- Price comparison settings (Cardinal's global no_price_comparison_procurement_methods, price_comparison_procurement_methods)
SELECT card.set('R028', '{"no_price_comparison_procurement_methods": ["Sorteo"]}');
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R028') WHERE subject_key IN ('sorteo', 'L', 'M')),
          'no_price_comparison_procurement_methods: the buyer set the prices, the process and its tenderers are left out');
SELECT card.set('R028', '{"no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": ["Sorteo"]}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R028') WHERE subject_kind = 'tender'$$, $$VALUES ('sorteo')$$,
  'price_comparison_procurement_methods: only those method details are compared (none set: left out)');
SELECT card.set('R028', '{"price_comparison_procurement_methods": [], "exclude_procurement_method_details": ["Sorteo"]}');
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R028') WHERE subject_key = 'sorteo') AND EXISTS (SELECT FROM card.hits('R028') WHERE subject_key = 'joint'),
          'exclude_procurement_method_details leaves Sorteo out, not the processes without details');
SELECT card.set('R028', '{"exclude_procurement_method_details": []}');

-- run(): a process and its tenderers as alerts of their kinds
SELECT is((SELECT status || ':' || hits FROM cleangov.run('R028')), 'ok:16', 'run() raises 6 processes and 10 tenderers');
SELECT results_eq($$SELECT subject_kind, count(*)::int FROM cleangov.alert WHERE rule_code = 'R028' GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('enterprise', 10), ('tender', 6)$$, 'alerts per subject kind');
SELECT results_eq($$SELECT DISTINCT level::text, value FROM cleangov.alert WHERE rule_code = 'R028'$$, $$VALUES ('red', 1::float8)$$,
                  'red, value 1.0');

SELECT * FROM finish();
ROLLBACK;
