-- R025, Cardinal's "excessive unsuccessful bids" (docs/cli/indicators/R/025.md):
-- a tenderer's winning / valid bids at or below Q1 - 1.5 IQR (type 8) while
-- its number of valid bids is at least the 75th percentile; each tenderer
-- counted once per process; processes with a pending award, two active
-- awards or a consortium award left out; joint, withdrawn and disqualified
-- bids not counted; the settings; the all-zero case.
BEGIN;
SELECT plan(8);
SET client_min_messages = warning;
\ir setup.psql

-- One process per bid: firm f bids alone; the award goes to f (a win) or to NOBODY (a loss).
CREATE FUNCTION t.bids(f text, n int, wins int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO t.tender (tid, buyer) SELECT f || '-' || j, 'B1' FROM generate_series(1, n) j;
  INSERT INTO t.bid (bid, tid, firm, amount) SELECT f || '-' || j, f || '-' || j, f, 100 FROM generate_series(1, n) j;
  INSERT INTO t.award (aid, tid, firm) SELECT f || '-' || j, f || '-' || j, CASE WHEN j <= wins THEN f ELSE 'NOBODY' END
    FROM generate_series(1, n) j $$;
-- B1..B12 win 5 to 7 of 10; L wins 1 of 12 (ratio 0.0833), N 4 of 12 (0.3333), S none of 2 (too few bids).
SELECT t.bids('B' || b, 10, 5 + b % 3) FROM generate_series(1, 12) b;
SELECT t.bids('L', 12, 1), t.bids('N', 12, 4), t.bids('S', 2, 0);
-- L bid twice in one of its lost processes: counted once.
INSERT INTO t.bid (bid, tid, firm, amount) VALUES ('L-12b', 'L-12', 'L', 99);
-- L's wins that do not count: a process with a pending award, one with two active awards, a consortium
-- award, a joint bid; and a withdrawn and a disqualified bid in processes L lost.
INSERT INTO t.tender (tid, buyer) SELECT x, 'B1' FROM unnest(ARRAY['PEND', 'TWO', 'CONS', 'JOINT', 'WDR', 'DQ']) x;
INSERT INTO t.bid (bid, tid, firm, amount, status, n) VALUES ('PEND', 'PEND', 'L', 100, 'valid', NULL), ('TWO', 'TWO', 'L', 100, 'valid', NULL),
  ('CONS', 'CONS', 'L', 100, 'valid', NULL), ('JOINT', 'JOINT', 'L', 100, 'valid', 2), ('WDR', 'WDR', 'L', 100, 'withdrawn', NULL),
  ('DQ', 'DQ', 'L', 100, 'disqualified', NULL);
INSERT INTO t.award (aid, tid, firm, status, n) VALUES ('PEND', 'PEND', 'L', 'active', NULL), ('PEND/b', 'PEND', 'L', 'pending', NULL),
  ('TWO', 'TWO', 'L', 'active', NULL), ('TWO/b', 'TWO', 'Y', 'active', NULL), ('CONS', 'CONS', 'L', 'active', 2),
  ('JOINT', 'JOINT', 'L', 'active', NULL), ('WDR', 'WDR', 'NOBODY', 'active', NULL), ('DQ', 'DQ', 'NOBODY', 'active', NULL);

SELECT results_eq($$SELECT * FROM t.hits('R025')$$, $$VALUES ('enterprise', 'L', 0.0833::numeric)$$,
  'R025: 1 win in 12 valid bids is below the fence with a bid count at the 75th percentile; 4 in 12 is not, 0 in 2 has too few bids; pending, double and consortium awards, joint, withdrawn and disqualified bids do not count');
SELECT is(t.fence('R025'), 0.225, 'R025: the lower fence Q1 - 1.5 IQR = 0.5 - 1.5 * 0.1833 (type 8)');
SELECT is((SELECT h.evidence FROM t.hit_rows('R025') h),
  '{"valid_bids": 12, "winning_bids": 1, "upper_fence": 10, "q1": 0.5, "q3": 0.683333333333, "lower_fence": 0.225}'::jsonb,
  'R025: the evidence gives the counts, the percentile and the quartiles');
SELECT t.set('R025', '{"percentile": 0}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R025')$$, $$VALUES ('L', 0.0833::numeric), ('S', 0)$$,
  'R025 percentile 0: every tenderer is a top tenderer');
SELECT t.set('R025', '{"percentile": 75, "threshold": 0.35}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R025')$$, $$VALUES ('L', 0.0833::numeric), ('N', 0.3333)$$,
  'R025 threshold: a fixed lower fence');
SELECT t.set('R025', '{"threshold": null, "exclude_procurement_method_details": ["Sorteo de Obras"]}');
UPDATE t.tender SET details = 'Sorteo de Obras' WHERE tid LIKE 'L-%';
SELECT is((SELECT count(*)::int FROM t.hits('R025')), 0, 'R025 exclude_procurement_method_details: L''s processes are left out');
UPDATE t.tender SET details = NULL;
UPDATE t.tender SET status = 'cancelled' WHERE tid LIKE 'L-%';
SELECT is((SELECT count(*)::int FROM t.hits('R025')), 0, 'R025: cancelled processes are left out');

-- Nobody wins: Q1 = 0, no fence.
UPDATE t.award SET firm = 'NOBODY';
SELECT is((SELECT count(*)::int FROM t.hits('R025')), 0, 'R025: every ratio 0: no fence, nothing flagged');

SELECT * FROM finish();
ROLLBACK;
