-- R024, Cardinal's "price close to winning bid" (docs/cli/indicators/R/024.md):
-- the difference (second-lowest valid bid - winning bid) / winning bid at or
-- below Q1 - 1.5 IQR over every process (type-8 quartiles), the process and
-- its winner and second-lowest bidder flagged; every exclusion the page and
-- the indicators' index name, each setting, the fence on a handful of values
-- and the all-zero case.  Cases written for cleangov.  PROC_CLOSE_SECOND_BID,
-- the per-method variant, is tested at the end.
BEGIN;
SELECT plan(18);
SET client_min_messages = warning;

\ir setup.psql

-- 20 ordinary processes, d from 0.100 to 0.119; O20 also had an unsuccessful award (an earlier attempt).
SELECT t.proc('O' || i, 0.100 + 0.001 * (i - 1)) FROM generate_series(1, 20) i;
INSERT INTO t.award (aid, tid, firm, status) VALUES ('O20/old', 'O20', 'S-O20', 'unsuccessful');
-- Five close second bids, one of them with a bid without an amount.
SELECT t.proc('T1', 0.001), t.proc('NOAMT', 0.002), t.proc('DETAILS', 0.003, 'Sorteo de Obras'),
       t.proc('FIXED', 0.004, 'Precio fijo'), t.proc('AUCTION', 0.005, 'Subasta');
INSERT INTO t.bid (bid, tid, firm, amount) VALUES ('NOAMT/4', 'NOAMT', 'N', NULL);
-- The close bid is in another currency, withdrawn (or pending, or disqualified), or a joint bid: the
-- next bid is the second-lowest valid one (d 0.100, 0.110, 0.112: ordinary).
SELECT t.proc('USD', 0.100), t.proc('WDR', 0.110), t.proc('JOINT', 0.112);
INSERT INTO t.bid (bid, tid, firm, amount, status, cur, n) VALUES ('USD/4', 'USD', 'U', 1000.5, 'valid', 'USD', NULL),
  ('WDR/4', 'WDR', 'V1', 1000.5, 'withdrawn', 'CNY', NULL), ('WDR/5', 'WDR', 'V2', 1000.3, 'pending', 'CNY', NULL),
  ('WDR/6', 'WDR', 'V3', 1000.2, 'disqualified', 'CNY', NULL), ('WDR/7', 'WDR', 'V4', 1000.1, 'invited', 'CNY', NULL),
  ('JOINT/4', 'JOINT', 'J', 1000.5, 'valid', 'CNY', 2);
-- Left out, each with a close second bid: a pending award; two active awards; an award to
-- two suppliers; a winning bid that is not the lowest; a cancelled process; a winning bid of 0.
SELECT t.proc(x, 0.001) FROM unnest(ARRAY['PEND', 'TWO', 'CONS', 'NOTLOW', 'CANC', 'ZERO']) x;
INSERT INTO t.award (aid, tid, firm, status) VALUES ('PEND/b', 'PEND', 'Z', 'pending'), ('TWO/b', 'TWO', 'S-TWO', 'active');
UPDATE t.award SET n = 2 WHERE tid = 'CONS';
INSERT INTO t.bid (bid, tid, firm, amount) VALUES ('NOTLOW/4', 'NOTLOW', 'L', 999);
UPDATE t.tender SET status = 'cancelled' WHERE tid = 'CANC';
UPDATE t.bid SET amount = 0 WHERE tid = 'ZERO' AND firm = 'W';

SELECT results_eq($$SELECT * FROM t.hits('R024')$$,
  $$VALUES ('enterprise', 'S-AUCTION', 0::numeric), ('enterprise', 'S-DETAILS', 0), ('enterprise', 'S-FIXED', 0),
           ('enterprise', 'S-NOAMT', 0), ('enterprise', 'S-T1', 0), ('enterprise', 'W', 0),
           ('tender', 'AUCTION', 0.005), ('tender', 'DETAILS', 0.003), ('tender', 'FIXED', 0.004),
           ('tender', 'NOAMT', 0.002), ('tender', 'T1', 0.001)$$,
  'R024: the five differences below the fence are flagged with their winner and second-lowest bidders (value 0); withdrawn, pending, invited, disqualified, joint and other-currency bids are not the second bid; pending awards, two active awards, consortium awards, a winner that is not the lowest, a cancelled process and a winning bid of 0 are left out');
SELECT is(t.fence('R024'), 0.082167, 'R024: the fence is Q1 - 1.5 IQR of the 28 differences by type-8 quartiles (Q1 0.100417, Q3 0.112583)');
SELECT is((SELECT status FROM cleangov.run('R024')), 'ok', 'R024 runs');
SELECT results_eq($$SELECT subject_kind, count(*)::int FROM cleangov.alert WHERE rule_code = 'R024' GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('enterprise', 6), ('tender', 5)$$, 'R024: run() raises the processes and the tenderers');
SELECT is((SELECT evidence - 'currency' - 'statistics_refresh' FROM cleangov.alert WHERE rule_code = 'R024' AND subject_key = 'T1'),
  '{"winner": "W", "winning_bid": 1000, "second_bidder": "S-T1", "second_bid": 1001.000, "q1": 0.100416666667, "q3": 0.112583333333, "lower_fence": 0.0821666666667}'::jsonb,
  'R024: the evidence names the winner, the second-lowest bidder, their bids and the quartiles');
SELECT is((SELECT evidence - 'statistics_refresh' FROM cleangov.alert WHERE rule_code = 'R024' AND subject_key = 'W'),
  '{"processes": ["AUCTION", "DETAILS", "FIXED", "NOAMT", "T1"]}'::jsonb, 'R024: a tenderer''s evidence lists its flagged processes');

-- Settings.
SELECT t.set('R024', '{"exclude_procurement_method_details": ["Sorteo de Obras"]}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R024') WHERE kind = 'tender'$$,
  $$VALUES ('AUCTION', 0.005::numeric), ('FIXED', 0.004), ('NOAMT', 0.002), ('T1', 0.001)$$,
  'R024 exclude_procurement_method_details: the process is left out of the differences');
SELECT is(t.fence('R024'), 0.083667, 'R024 exclude_procurement_method_details: and of the quartiles');
SELECT t.set('R024', '{"exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": ["Precio fijo"]}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R024') WHERE kind = 'tender'$$,
  $$VALUES ('AUCTION', 0.005::numeric), ('DETAILS', 0.003), ('NOAMT', 0.002), ('T1', 0.001)$$,
  'R024 no_price_comparison_procurement_methods: the process compares no prices');
SELECT t.set('R024', '{"price_comparison_procurement_methods": ["Subasta"]}');
SELECT results_eq($$SELECT * FROM t.hits('R024')$$,
  $$VALUES ('enterprise', 'S-AUCTION', 0::numeric), ('enterprise', 'W', 0), ('tender', 'AUCTION', 0.005)$$,
  'R024 price_comparison_procurement_methods: only those processes; one difference is its own quartiles and fence, above 0');
SELECT t.set('R024', '{"price_comparison_procurement_methods": [], "no_price_comparison_procurement_methods": [], "threshold": 0.0025}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R024') WHERE kind = 'tender'$$,
  $$VALUES ('NOAMT', 0.002::numeric), ('T1', 0.001)$$, 'R024 threshold: a fixed lower fence (inclusive)');
SELECT t.set('R024', '{"threshold": 0}');
SELECT is((SELECT count(*)::int FROM t.hits('R024')), 0, 'R024 threshold 0: flags nothing (Cardinal flags only with a fence above 0)');
SELECT t.set('R024', '{"threshold": null, "currency": "USD"}');
SELECT is((SELECT count(*)::int FROM t.hits('R024')), 0, 'R024 currency USD: the CNY bids are left out, and no process has a USD winner and second bid');
SELECT t.set('R024', '{"currency": null}');

-- PROC_CLOSE_SECOND_BID, cleangov's variant: the same differences, a fixed 0.5 % (inclusive) by
-- default; with max_d null a fence per method only with 30 processes of the method.
SELECT results_eq($$SELECT * FROM t.hits('PROC_CLOSE_SECOND_BID')$$,
  $$VALUES ('tender', 'AUCTION', 0.005::numeric), ('tender', 'DETAILS', 0.003), ('tender', 'FIXED', 0.004),
           ('tender', 'NOAMT', 0.002), ('tender', 'T1', 0.001)$$,
  'PROC_CLOSE_SECOND_BID: differences up to 0.005 over the processes R024 keeps, no tenderer rows');
SELECT t.set('PROC_CLOSE_SECOND_BID', '{"max_d": null}');
SELECT is((SELECT count(*)::int FROM t.hits('PROC_CLOSE_SECOND_BID')), 0,
  'PROC_CLOSE_SECOND_BID with the fence: 28 open processes are fewer than min_peers (30): no fence');

-- The issue's example: differences 0, 0 and seven times 1: type-8 Q1 0.6667, Q3 1, fence 0.1667.
TRUNCATE t.tender, t.bid, t.award;
SELECT t.proc('E' || i, CASE WHEN i <= 2 THEN 0 ELSE 1 END) FROM generate_series(1, 9) i;
SELECT results_eq($$SELECT subject, value FROM t.hits('R024') WHERE kind = 'tender'$$,
  $$VALUES ('E1', 0::numeric), ('E2', 0)$$,
  'R024: on 0, 0, 1 x 7 the type-8 fence is 0.1667 and the two ties are flagged (type 7 has Q1 = Q3 = 1: no fence)');
SELECT is(t.fence('R024'), 0.166667, 'R024: fence 0.6667 - 1.5 * 0.3333');
UPDATE t.bid SET amount = 1000 WHERE firm LIKE 'S-%';
SELECT is((SELECT count(*)::int FROM t.hits('R024')), 0, 'R024: every difference 0 (Q1, Q3, IQR 0): no fence, nothing flagged');

SELECT * FROM finish();
ROLLBACK;
