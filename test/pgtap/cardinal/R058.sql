-- R058, Cardinal's "heavily discounted bid" (docs/cli/indicators/R/058.md):
-- the difference (second-lowest valid bid - winning bid) / winning bid at or
-- above Q3 + 1.5 IQR over every process (type-8 quartiles), the process and
-- its winner flagged; the exclusions (shared with R024, whose test has every
-- one of them: test/pgtap/cardinal/R024.sql), the settings, a fence of
-- identical differences (above 0: every process flagged, as Cardinal) and
-- the all-zero case.  PROC_DISCOUNTED_WINNER, the variant, at the end.
BEGIN;
SELECT plan(11);
SET client_min_messages = warning;
\ir setup.psql

-- 20 ordinary processes (d 0.100 .. 0.119), one at 0.5 (won by X, details Sorteo de Obras), a near miss at 0.13.
SELECT t.proc('O' || i, 0.100 + 0.001 * (i - 1)) FROM generate_series(1, 20) i;
SELECT t.proc('HIGH', 0.5, 'Sorteo de Obras'), t.proc('NEAR', 0.13);
UPDATE t.bid SET firm = 'X' WHERE tid = 'HIGH' AND firm = 'W';
UPDATE t.award SET firm = 'X' WHERE tid = 'HIGH';
-- Left out with a gap of 0.9: a pending award, two active awards, a consortium award, a cancelled process,
-- the far bid withdrawn (the next valid bid is 0.110 above).
SELECT t.proc(x, 0.9) FROM unnest(ARRAY['PEND', 'TWO', 'CONS', 'CANC']) x;
INSERT INTO t.award (aid, tid, firm, status) VALUES ('PEND/b', 'PEND', 'Z', 'pending'), ('TWO/b', 'TWO', 'S-TWO', 'active');
UPDATE t.award SET n = 2 WHERE tid = 'CONS';
UPDATE t.tender SET status = 'cancelled' WHERE tid = 'CANC';

SELECT results_eq($$SELECT * FROM t.hits('R058')$$,
  $$VALUES ('enterprise', 'X', 0::numeric), ('tender', 'HIGH', 0.5)$$,
  'R058: the 0.5 difference is above Q3 + 1.5 IQR and its winner is flagged (value 0); 0.13 is not; pending, several active and consortium awards and cancelled processes are left out');
SELECT is(t.fence('R058'), 0.132833, 'R058: the fence, from type-8 quartiles of the 22 differences (Q1 0.104917, Q3 0.116083)');
SELECT is((SELECT h.evidence - 'currency' FROM t.hit_rows('R058') h WHERE h.subject_key = 'HIGH'),
  '{"winner": "X", "winning_bid": 1000, "second_bidder": "S-HIGH", "second_bid": 1500.0, "q1": 0.104916666667, "q3": 0.116083333333, "upper_fence": 0.132833333333}'::jsonb,
  'R058: the evidence names the winner, the second-lowest bidder, their bids and the quartiles');
SELECT t.set('R058', '{"threshold": 0.12}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R058') WHERE kind = 'tender'$$,
  $$VALUES ('HIGH', 0.5::numeric), ('NEAR', 0.13)$$, 'R058 threshold: a fixed upper fence (inclusive)');
SELECT t.set('R058', '{"threshold": null, "exclude_procurement_method_details": ["Sorteo de Obras"]}');
SELECT is((SELECT count(*)::int FROM t.hits('R058')), 0, 'R058 exclude_procurement_method_details: the process is left out');
SELECT t.set('R058', '{"exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": ["Sorteo de Obras"]}');
SELECT is((SELECT count(*)::int FROM t.hits('R058')), 0, 'R058 no_price_comparison_procurement_methods: the process compares no prices');
SELECT t.set('R058', '{"no_price_comparison_procurement_methods": []}');

-- PROC_DISCOUNTED_WINNER: per method, at least 30 processes of the method: none here.
SELECT is((SELECT count(*)::int FROM t.hits('PROC_DISCOUNTED_WINNER')), 0, 'PROC_DISCOUNTED_WINNER: 22 open processes, fewer than min_peers (30): no fence');
SELECT t.set('PROC_DISCOUNTED_WINNER', '{"min_peers": 20}');
SELECT results_eq($$SELECT * FROM t.hits('PROC_DISCOUNTED_WINNER')$$, $$VALUES ('tender', 'HIGH', 0.5::numeric)$$,
  'PROC_DISCOUNTED_WINNER with min_peers 20: the 0.5 difference is above Q3 + 3 IQR (type 7)');

-- Identical differences: Q1 = Q3 = 0.1, the fence 0.1 is above 0 and Cardinal flags every process.
TRUNCATE t.tender, t.bid, t.award;
SELECT t.proc('E' || i, 0.1) FROM generate_series(1, 5) i;
SELECT is((SELECT count(*)::int FROM t.hits('R058') WHERE kind = 'tender'), 5,
  'R058: five identical differences of 0.1: the fence is 0.1 (above 0) and every process is flagged, as Cardinal does');
SELECT is((SELECT count(*)::int FROM t.hits('PROC_DISCOUNTED_WINNER')), 0, 'PROC_DISCOUNTED_WINNER: IQR 0, no fence');
UPDATE t.bid SET amount = 1000 WHERE firm LIKE 'S-%';
SELECT is((SELECT count(*)::int FROM t.hits('R058')), 0, 'R058: every difference 0: the fence is 0, nothing flagged');

SELECT * FROM finish();
ROLLBACK;
