-- R038, Cardinal's "excessive disqualified bids" (docs/cli/indicators/R/038.md):
-- disqualified / submitted bids at or above Q3 + 1.5 IQR (type 8), per buyer,
-- per procuring entity and per tenderer, each against its own group;
-- submitted = pending, valid or disqualified (invited and withdrawn bids do
-- not count); the minimums (Cardinal compares minimum_contracting_processes
-- with the number of submitted bids); the threshold; a fence of identical
-- ratios above 0; the all-zero case.
BEGIN;
SELECT plan(9);
SET client_min_messages = warning;
\ir setup.psql

-- Buyers B1..B8, one process of ten bids each by T1..T10: Tk disqualified in Bb when b + k is a
-- multiple of 8, T1 and T2 also when b + k = 4 (mod 8); BAD bids in B1..B4, disqualified each time;
-- ONE bids once (too few bids). Procuring entities: none for B1, P2..P6, P78 for B7 and B8.
-- BX: two processes of five bids by ten other firms, four of each five disqualified; BSMALL one bid.
INSERT INTO t.tender (tid, buyer, pe)
SELECT 'B' || b, 'B' || b, CASE WHEN b = 1 THEN NULL WHEN b >= 7 THEN 'P78' ELSE 'P' || b END FROM generate_series(1, 8) b;
INSERT INTO t.tender (tid, buyer, pe) VALUES ('BX1', 'BX', 'PX'), ('BX2', 'BX', 'PX'), ('BX3', 'BX', 'PX'), ('BSMALL', 'BSMALL', 'PSMALL');
UPDATE t.tender SET status = 'cancelled' WHERE tid = 'BX3';
INSERT INTO t.bid (bid, tid, firm, amount, status)
SELECT 'B' || b || '/' || k, 'B' || b, 'T' || k, 100,
       CASE WHEN (b + k) % 8 = 0 OR (k <= 2 AND (b + k) % 8 = 4) THEN 'disqualified' ELSE 'valid' END
  FROM generate_series(1, 8) b, generate_series(1, 10) k;
INSERT INTO t.bid (bid, tid, firm, amount, status) SELECT 'B' || b || '/bad', 'B' || b, 'BAD', 100, 'disqualified' FROM generate_series(1, 4) b;
INSERT INTO t.bid (bid, tid, firm, amount, status) VALUES ('B2/one', 'B2', 'ONE', 100, 'disqualified'), ('BSMALL/1', 'BSMALL', 'S1', 100, 'disqualified'),
  ('B1/wdr', 'B1', 'BAD', 100, 'withdrawn'), ('B1/inv', 'B1', 'BAD', 100, 'invited');
INSERT INTO t.bid (bid, tid, firm, amount, status)
SELECT tid || '/' || k, tid, 'X' || tid || k, 100, CASE WHEN k <= 4 AND tid <> 'BX3' THEN 'disqualified' ELSE 'valid' END
  FROM unnest(ARRAY['BX1', 'BX2', 'BX3']) tid, generate_series(1, 5) k;

SELECT results_eq($$SELECT * FROM t.hits('R038')$$,
  $$VALUES ('buyer', 'BX', 0.8::numeric), ('enterprise', 'BAD', 1), ('procuring_entity', 'PX', 0.8)$$,
  'R038: a buyer, a procuring entity and a tenderer above their own groups'' fences; invited, withdrawn and cancelled bids are not submitted, one bid (tenderer) or one bid (buyer BSMALL) is too few');
SELECT results_eq($$SELECT kind, t.fence('R038', kind) FROM (VALUES ('buyer'), ('procuring_entity'), ('enterprise')) v(kind)$$,
  $$VALUES ('buyer', 0.500505::numeric), ('procuring_entity', 0.575126), ('enterprise', 0.385417)$$,
  'R038: each group''s fence Q3 + 1.5 IQR, type-8 quartiles');
SELECT is((SELECT h.evidence FROM t.hit_rows('R038') h WHERE h.subject_kind = 'enterprise'),
  '{"submitted_bids": 4, "disqualified_bids": 4, "q1": 0.125, "q3": 0.229166666667, "upper_fence": 0.385416666667}'::jsonb,
  'R038: the evidence gives the counts and the quartiles');
SELECT is((SELECT h.evidence ->> 'submitted_bids' FROM t.hit_rows('R038') h WHERE h.subject_kind = 'buyer'), '10',
  'R038: the cancelled process of BX is left out');
SELECT t.set('R038', '{"threshold": 0.3}');
SELECT results_eq($$SELECT * FROM t.hits('R038')$$,
  $$VALUES ('buyer', 'B2', 0.3333::numeric), ('buyer', 'BX', 0.8), ('enterprise', 'BAD', 1), ('procuring_entity', 'P2', 0.3333),
           ('procuring_entity', 'PX', 0.8)$$, 'R038 threshold: a fixed upper fence for the three groups');
SELECT t.set('R038', '{"threshold": null, "minimum_submitted_bids": 5}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R038') WHERE kind = 'enterprise'$$, $$VALUES ('T1', 0.25::numeric), ('T2', 0.25)$$,
  'R038 minimum_submitted_bids 5: BAD (4 bids) is left out; eight ratios of 0.125 and two of 0.25 give Q1 0.125, Q3 0.1354 (type 8), a fence of 0.151');
SELECT t.set('R038', '{"minimum_submitted_bids": 2, "minimum_contracting_processes": 12}');
SELECT results_eq($$SELECT kind, subject FROM t.hits('R038') WHERE kind <> 'enterprise'$$,
  $$VALUES ('buyer', 'B2')$$,
  'R038 minimum_contracting_processes 12, compared with the submitted bids as Cardinal does: one buyer is left (B2, 12 bids), its ratio its own fence (above 0: flagged); two procuring entities (P2 12 bids, P78 20), fence 0.61: none');
SELECT t.set('R038', '{"minimum_contracting_processes": 2, "exclude_procurement_method_details": ["Sorteo de Obras"]}');
UPDATE t.tender SET details = 'Sorteo de Obras' WHERE buyer = 'BX';
SELECT is((SELECT count(*)::int FROM t.hits('R038') WHERE subject IN ('BX', 'PX')), 0, 'R038 exclude_procurement_method_details');
UPDATE t.bid SET status = 'valid';
SELECT is((SELECT count(*)::int FROM t.hits('R038')), 0, 'R038: no disqualified bid: every fence 0, nothing flagged');

SELECT * FROM finish();
ROLLBACK;
