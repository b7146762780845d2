-- Cardinal's R003, short submission period: cases written from
-- docs/cli/indicators/R/003.md (cardinal-rs 39d18037) as OCDS compiled
-- releases, bound with cleangov.bind_ocds().  Whole days truncated, the
-- threshold per procurement method details, no method filter by default,
-- procurement_methods, the exclusions, missing dates, cancelled processes.
BEGIN;
SELECT plan(12);
\ir ocds_cases.psql

-- A release of one tender: method, method details, tender period, status.
CREATE FUNCTION card.rel(ocid text, method text, details text, start_date text, end_date text, status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('ocid', ocid, 'tag', '["compiled"]'::jsonb, 'buyer', jsonb_build_object('id', 'B1'),
           'tender', jsonb_strip_nulls(jsonb_build_object('id', ocid, 'procurementMethod', method, 'procurementMethodDetails', details,
                     'status', status, 'tenderPeriod', jsonb_strip_nulls(jsonb_build_object('startDate', start_date, 'endDate', end_date))))) $$;
INSERT INTO card.releases (data) VALUES
  (card.rel('ten-days',   'open',      NULL, '2024-03-01T09:00:00Z', '2024-03-11T09:00:00Z')),
  (card.rel('fifteen',    'open',      NULL, '2024-03-01T09:00:00Z', '2024-03-16T09:00:00Z')),   -- exactly 15 days
  (card.rel('almost',     'open',      NULL, '2024-03-01T09:00:00Z', '2024-03-16T08:59:00Z')),   -- 14 days 23:59: 14
  (card.rel('selective',  'selective', NULL, '2024-03-01T09:00:00Z', '2024-03-06T09:00:00Z')),   -- any method counts
  (card.rel('no-method',  NULL,        NULL, '2024-03-01T09:00:00Z', '2024-03-04T09:00:00Z')),   -- even none
  (card.rel('cancelled',  'open',      NULL, '2024-03-01T09:00:00Z', '2024-03-06T09:00:00Z', 'cancelled')),
  (card.rel('no-end',     'open',      NULL, '2024-03-01T09:00:00Z', NULL)),
  (card.rel('no-start',   'open',      NULL, NULL, '2024-03-06T09:00:00Z')),
  (card.rel('backwards',  'open',      NULL, '2024-03-06T09:00:00Z', '2024-03-01T09:00:00Z')),   -- -5 days
  (card.rel('cotiz-8',    'limited',   'Cotización', '2024-03-01T00:00:00Z', '2024-03-09T00:00:00Z')),
  (card.rel('cotiz-6',    'limited',   'Cotización', '2024-03-01T00:00:00Z', '2024-03-07T00:00:00Z')),
  (card.rel('licit-12',   'open',      'Licitación', '2024-03-01T00:00:00Z', '2024-03-13T00:00:00Z')),
  (card.rel('licit-25',   'open',      'Licitación', '2024-03-01T00:00:00Z', '2024-03-26T00:00:00Z')),
  (card.rel('sorteo',     'open',      'Sorteo de Obras', '2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z'));
SELECT cleangov.bind_ocds('card.releases');

SELECT results_eq($$SELECT subject_key, value FROM card.hits('R003')$$,
  $$VALUES ('almost', 1::numeric), ('backwards', 1), ('cotiz-6', 1), ('cotiz-8', 1), ('licit-12', 1), ('no-method', 1),
           ('selective', 1), ('sorteo', 1), ('ten-days', 1)$$,
  'default: shorter than 15 whole days on any method (even none) fires with value 1.0; 15 days, cancelled, a missing date do not');
SELECT is(card.evidence('R003', 'tender', 'almost') - 'period_start' - 'period_end',
          '{"days": 14, "threshold_days": 15, "method": "open", "method_details": null}',
          'evidence: the whole days (14 days 23:59 is 14) and the threshold applied');
SELECT is((card.evidence('R003', 'tender', 'backwards') ->> 'days')::int, -5, 'an end before the start is a negative period, and fires (as Cardinal)');

-- Thresholds per procurement method details (an object threshold)
SELECT card.set('R003', '{"procurement_method_details": {"Cotización": 7, "Licitación": 20}}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R003') WHERE subject_key ~ '^(cotiz|licit)'$$,
  $$VALUES ('cotiz-6'), ('licit-12')$$,
  'per method details: Cotización 8 days is enough (7), 6 is not; Licitación 12 days is short (20), 25 is not');
SELECT is((card.evidence('R003', 'tender', 'licit-12') ->> 'threshold_days')::int, 20, 'the threshold of its method details is applied');
SELECT ok(EXISTS (SELECT FROM card.hits('R003') WHERE subject_key = 'sorteo'),
          'method details missing from the object take the threshold (15)');
SELECT card.set('R003', '{"threshold": 5}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R003')$$,
  $$VALUES ('backwards'), ('cotiz-6'), ('licit-12'), ('no-method'), ('sorteo')$$,
  'threshold 5: only periods under 5 days, and the per-details thresholds still apply');
SELECT card.set('R003', '{"threshold": 15, "procurement_method_details": {}}');

-- procurement_methods; the exclusions
SELECT card.set('R003', '{"procurement_methods": ["open"]}');
SELECT results_eq($$SELECT subject_key FROM card.hits('R003')$$,
  $$VALUES ('almost'), ('backwards'), ('licit-12'), ('sorteo'), ('ten-days')$$,
  'procurement_methods ["open"] (cleangov''s setting before issue 13): only open tenders; no method does not match');
SELECT card.set('R003', '{"procurement_methods": [], "exclude_procurement_method_details": ["Sorteo de Obras"]}');
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R003') WHERE subject_key = 'sorteo')
          AND EXISTS (SELECT FROM card.hits('R003') WHERE subject_key = 'no-method'),
          'exclude_procurement_method_details leaves those processes out, and not those without method details');

-- run(): alerts at the rule's level, value 1
SELECT is((SELECT status || ':' || hits FROM cleangov.run('R003')), 'ok:8', 'run() raises the eight');
SELECT results_eq($$SELECT DISTINCT level::text, value, subject_kind FROM cleangov.alert WHERE rule_code = 'R003'$$,
  $$VALUES ('yellow', 1::float8, 'tender')$$, 'yellow, value 1.0, on the OCID');

-- A threshold object holding an object is refused when the rule is rendered
SELECT card.set('R003', '{"procurement_method_details": {"x": {"y": 1}}}');
SELECT throws_ok($$SELECT cleangov.rule_sql('R003')$$, '22023', NULL, 'a nested threshold object is refused (22023)');

SELECT * FROM finish();
ROLLBACK;
