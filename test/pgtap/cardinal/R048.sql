-- Cardinal's R048, heterogeneous supplier: cases written from
-- docs/cli/indicators/R/048.md (cardinal-rs 5475afbf) as OCDS compiled
-- releases.  Varieties of the awarded items' 2-digit classes; the fence
-- Q3 + 1.5 IQR with type-8 quartiles over the tenderers awarded in at least
-- 20 processes; several items and classes per process; pending awards,
-- consortium awards and tender items left out; digits, threshold,
-- minimum_contracting_processes; the all-equal case (no fence is skipped).
BEGIN;
SELECT plan(9);
\ir ocds_cases.psql

-- Tenderers with 20 processes each (one active award of one item per
-- process), their variety v: the item of process j is in class 10 + j % v
-- (its 8-digit code unique per process).  Population varieties
-- 1 1 2 2 3 3 4 6 11 20: type 8 gives Q1 1.9167, Q3 6.4167, fence 13.1667
-- (20 flagged, 11 not); type 7 would give 2, 5.5 and 10.75 (11 flagged too).
CREATE TABLE card.plan (tenderer text, v int, processes int, items int);
INSERT INTO card.plan VALUES ('V1a', 1, 20, 1), ('V1b', 1, 20, 1), ('V2a', 2, 20, 1), ('V2b', 2, 20, 1), ('V3a', 3, 20, 1),
  ('V3b', 3, 20, 1), ('V4', 4, 20, 1), ('V6', 6, 20, 1), ('V11', 11, 20, 1), ('V20', 20, 20, 1),
  ('SMALL', 30, 5, 6);                                -- 30 classes in 5 processes: outside the population
INSERT INTO card.releases (data)
SELECT jsonb_build_object('ocid', p.tenderer || '-' || j, 'buyer', jsonb_build_object('id', 'B1'),
         'tender', jsonb_build_object('id', p.tenderer || '-' || j, 'procurementMethod', 'open',
                                      'items', jsonb_build_array(jsonb_build_object('id', 't', 'classification', jsonb_build_object('scheme', 'CPV', 'id', '92000000')))),
         'awards', jsonb_build_array(jsonb_build_object('id', 'a', 'status', 'active', 'suppliers', jsonb_build_array(jsonb_build_object('id', p.tenderer)),
           'items', (SELECT jsonb_agg(jsonb_build_object('id', k, 'classification',
                       jsonb_build_object('scheme', 'CPV', 'id', (10 + ((j - 1) * p.items + k - 1) % p.v)::text || lpad((j * 10 + k)::text, 6, '0'))))
                       FROM generate_series(1, p.items) k))))
  FROM card.plan p, generate_series(1, p.processes) j;
-- Left out: V20's pending award, V4's award to a consortium, a cancelled process of V6, an item without classification
INSERT INTO card.releases (data) VALUES
  ('{"ocid": "pending", "tender": {"id": "pending"}, "awards": [{"id": "a", "status": "pending", "suppliers": [{"id": "V20"}],
     "items": [{"id": "1", "classification": {"id": "90000000"}}]}]}'),
  ('{"ocid": "consortium", "tender": {"id": "consortium"}, "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "V4"}, {"id": "X"}],
     "items": [{"id": "1", "classification": {"id": "91000000"}}]}]}'),
  ('{"ocid": "cancelled", "tender": {"id": "cancelled", "status": "cancelled"}, "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "V6"}],
     "items": [{"id": "1", "classification": {"id": "93000000"}}]}]}'),
  ('{"ocid": "unclassified", "tender": {"id": "unclassified"}, "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "V6"}],
     "items": [{"id": "1", "description": "no class"}]}]}');
SELECT cleangov.bind_ocds('card.releases');

SELECT results_eq($$SELECT subject_kind, subject_key, value FROM card.hits('R048')$$, $$VALUES ('enterprise', 'V20', 20::numeric)$$,
  'variety 20 is at or above the type-8 fence 13.17 (value: the variety); 11 is not, nor SMALL''s 30 in 5 processes');
SELECT is((SELECT jsonb_object_agg(k, round(v::numeric, 4)) FROM jsonb_each_text(card.evidence('R048', 'enterprise', 'V20')) x(k, v)),
          '{"q1": 1.9167, "q3": 6.4167, "variety": 20, "processes": 20, "upper_fence": 13.1667}',
          'evidence: Q1, Q3 and the fence of type 8 (the pending award''s class 90 is not counted: variety 20)');
SELECT is((SELECT round(q3::numeric + 1.5 * (q3 - q1)::numeric, 4) FROM (SELECT
             cleangov.quantile_of(cleangov.collect(v), 0.25, 8) q1, cleangov.quantile_of(cleangov.collect(v), 0.75, 8) q3
             FROM card.plan WHERE processes >= 20) q), 13.1667, 'the same fence computed over the plan');
SELECT card.set('R048', '{"threshold": 11}');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R048')$$, $$VALUES ('V11', 11::numeric), ('V20', 20)$$,
  'threshold 11 replaces the fence (at or above)');
SELECT card.set('R048', '{"threshold": null, "minimum_contracting_processes": 5}');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R048')$$, $$VALUES ('SMALL', 30::numeric)$$,
  'minimum_contracting_processes 5: SMALL enters the population and is flagged; the fence moves to 22.42, above V20');
SELECT card.set('R048', '{"minimum_contracting_processes": 20, "digits": 8}');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R048')$$,
  $$VALUES ('V11', 20::numeric), ('V1a', 20), ('V1b', 20), ('V20', 20), ('V2a', 20), ('V2b', 20), ('V3a', 20), ('V3b', 20), ('V4', 20), ('V6', 20)$$,
  'digits 8: every item is its own class, every variety is 20, the fence is 20 and every tenderer is at it (Cardinal skips no fence)');
SELECT card.set('R048', '{"digits": 2}');
SELECT is((card.evidence('R048', 'enterprise', 'V20') ->> 'processes')::int, 20, 'a process counts once per tenderer');

-- Several items of one award in several classes count each class
UPDATE card.releases SET data = jsonb_set(data, '{awards,0,items}', data #> '{awards,0,items}' || '[{"id": "x", "classification": {"id": "55000000"}}, {"id": "y", "classification": {"id": "56000000"}}]')
 WHERE data->>'ocid' = 'V11-1';
SELECT card.set('R048', '{"threshold": 12}');
SELECT results_eq($$SELECT subject_key, value FROM card.hits('R048')$$, $$VALUES ('V11', 13::numeric), ('V20', 20)$$,
  'two more items of other classes in one of V11''s awards: variety 13');
SELECT card.set('R048', '{"threshold": null}');
SELECT is((SELECT status || ':' || hits FROM cleangov.run('R048')), 'ok:1', 'run() raises one tenderer');

SELECT * FROM finish();
ROLLBACK;
