-- R036, Cardinal's "lowest bid disqualified" (docs/cli/indicators/R/036.md):
-- an active award, a valid bid with an amount, and the lowest submitted bid
-- (pending, valid or disqualified) disqualified; value 1; invited and
-- withdrawn bids are not submitted; missing amounts; other currencies; the
-- method-details settings.
BEGIN;
SELECT plan(7);
SET client_min_messages = warning;
\ir setup.psql

INSERT INTO t.tender (tid, buyer, details)
SELECT x, 'B1', CASE x WHEN 'FIXED' THEN 'Precio fijo' END
  FROM unnest(ARRAY['D1', 'NOAWARD', 'PENDAW', 'VALIDLOW', 'WDRLOW', 'INVLOW', 'PENDLOW', 'NOVALID', 'NOAMT', 'USD', 'TIE', 'FIXED', 'CANC']) x;
UPDATE t.tender SET status = 'cancelled' WHERE tid = 'CANC';
INSERT INTO t.bid (bid, tid, firm, amount, status, cur) VALUES
  ('D1/1', 'D1', 'A', 90, 'disqualified', 'CNY'), ('D1/2', 'D1', 'W', 100, 'valid', 'CNY'),
  ('NOAWARD/1', 'NOAWARD', 'A', 90, 'disqualified', 'CNY'), ('NOAWARD/2', 'NOAWARD', 'W', 100, 'valid', 'CNY'),
  ('PENDAW/1', 'PENDAW', 'A', 90, 'disqualified', 'CNY'), ('PENDAW/2', 'PENDAW', 'W', 100, 'valid', 'CNY'),
  ('VALIDLOW/1', 'VALIDLOW', 'A', 90, 'disqualified', 'CNY'), ('VALIDLOW/2', 'VALIDLOW', 'W', 80, 'valid', 'CNY'),
  ('WDRLOW/1', 'WDRLOW', 'A', 80, 'withdrawn', 'CNY'), ('WDRLOW/2', 'WDRLOW', 'B', 90, 'disqualified', 'CNY'), ('WDRLOW/3', 'WDRLOW', 'W', 100, 'valid', 'CNY'),
  ('INVLOW/1', 'INVLOW', 'A', 80, 'invited', 'CNY'), ('INVLOW/2', 'INVLOW', 'B', 90, 'disqualified', 'CNY'), ('INVLOW/3', 'INVLOW', 'W', 100, 'valid', 'CNY'),
  ('PENDLOW/1', 'PENDLOW', 'A', 80, 'pending', 'CNY'), ('PENDLOW/2', 'PENDLOW', 'B', 90, 'disqualified', 'CNY'), ('PENDLOW/3', 'PENDLOW', 'W', 100, 'valid', 'CNY'),
  ('NOVALID/1', 'NOVALID', 'A', 90, 'disqualified', 'CNY'), ('NOVALID/2', 'NOVALID', 'W', 100, 'pending', 'CNY'),
  ('NOAMT/1', 'NOAMT', 'A', 90, 'disqualified', 'CNY'), ('NOAMT/2', 'NOAMT', 'W', NULL, 'valid', 'CNY'),
  ('USD/1', 'USD', 'A', 90, 'disqualified', 'USD'), ('USD/2', 'USD', 'W', 100, 'valid', 'CNY'), ('USD/3', 'USD', 'B', 95, 'disqualified', NULL),
  ('TIE/1', 'TIE', 'A', 90, 'disqualified', 'CNY'), ('TIE/2', 'TIE', 'W', 90, 'valid', 'CNY'),
  ('FIXED/1', 'FIXED', 'A', 90, 'disqualified', 'CNY'), ('FIXED/2', 'FIXED', 'W', 100, 'valid', 'CNY'),
  ('CANC/1', 'CANC', 'A', 90, 'disqualified', 'CNY'), ('CANC/2', 'CANC', 'W', 100, 'valid', 'CNY');
INSERT INTO t.award (aid, tid, firm, status) SELECT tid || '/a', tid, 'W', 'active' FROM t.tender WHERE tid <> 'NOAWARD';
INSERT INTO t.award (aid, tid, firm, status) VALUES ('NOAWARD/a', 'NOAWARD', 'W', 'cancelled'), ('PENDAW/b', 'PENDAW', 'A', 'pending');

SELECT results_eq($$SELECT subject, value FROM t.hits('R036')$$,
  $$VALUES ('D1', 1::numeric), ('FIXED', 1), ('INVLOW', 1), ('PENDAW', 1), ('USD', 1), ('WDRLOW', 1)$$,
  'R036: the lowest submitted bid disqualified with an active award (a pending award too) fires, value 1; invited and withdrawn bids are not submitted, a bid in another currency (CNY is the main one) is not compared, a currency NULL counts as CNY; a valid or pending lowest bid, no active award, no valid bid with an amount, a tie with a valid bid, a cancelled process: not');
SELECT is((SELECT h.evidence FROM t.hit_rows('R036') h WHERE h.subject_key = 'USD'),
  '{"lowest_bid": 95, "lowest_bidder": "B", "lowest_valid_bid": 100, "currency": "CNY"}'::jsonb,
  'R036: the evidence gives the lowest bid and bidder, the lowest valid bid and the main currency');
SELECT t.set('R036', '{"no_price_comparison_procurement_methods": ["Precio fijo"]}');
SELECT is((SELECT count(*)::int FROM t.hits('R036') WHERE subject = 'FIXED'), 0, 'R036 no_price_comparison_procurement_methods: prices predetermined');
SELECT t.set('R036', '{"no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": ["Precio fijo"]}');
SELECT results_eq($$SELECT subject FROM t.hits('R036')$$, $$VALUES ('FIXED')$$,
  'R036 price_comparison_procurement_methods: only those processes (none without method details)');
SELECT t.set('R036', '{"price_comparison_procurement_methods": [], "exclude_procurement_method_details": ["Precio fijo"]}');
SELECT is((SELECT count(*)::int FROM t.hits('R036') WHERE subject = 'FIXED'), 0, 'R036 exclude_procurement_method_details');
SELECT t.set('R036', '{"exclude_procurement_method_details": [], "currency": "USD"}');
SELECT is((SELECT count(*)::int FROM t.hits('R036')), 0,
  'R036 currency USD: only USD and currency-less bids are compared, and no process has a valid one');
UPDATE t.bid SET cur = 'USD' WHERE tid = 'USD' AND firm = 'W';
SELECT results_eq($$SELECT subject FROM t.hits('R036')$$, $$VALUES ('USD')$$,
  'R036 currency USD: the USD bids of USD are compared (90 disqualified, lowest)');

SELECT * FROM finish();
ROLLBACK;
