-- R035, Cardinal's "all except winning bid disqualified" (docs/cli/indicators/R/035.md):
-- exactly one tenderer with valid bids, the supplier of every active award,
-- and at least threshold (1) other tenderers with disqualified bids; the
-- process (value: the other tenderers) and the winner (0) flagged; pending
-- awards leave the process out; joint bids and consortium awards; withdrawn,
-- invited and pending bids; the threshold setting.
BEGIN;
SELECT plan(6);
SET client_min_messages = warning;
\ir setup.psql

INSERT INTO t.tender (tid, buyer)
SELECT x, 'B1' FROM unnest(ARRAY['Q1', 'Q2', 'PEND', 'TWOAW', 'OTHERAW', 'CONS', 'JOINTV', 'JOINTDQ', 'WDR', 'DQW', 'CANC', 'DETAILS']) x;
UPDATE t.tender SET status = 'cancelled' WHERE tid = 'CANC';
UPDATE t.tender SET details = 'Sorteo de Obras' WHERE tid = 'DETAILS';
INSERT INTO t.bid (bid, tid, firm, amount, status, n) VALUES
  ('Q1/1', 'Q1', 'W', 100, 'valid', NULL), ('Q1/2', 'Q1', 'A', 90, 'disqualified', NULL), ('Q1/3', 'Q1', 'B', 95, 'disqualified', NULL),
  ('Q2/1', 'Q2', 'W', 100, 'valid', NULL), ('Q2/2', 'Q2', 'A', 110, 'valid', NULL), ('Q2/3', 'Q2', 'B', 95, 'disqualified', NULL),
  ('PEND/1', 'PEND', 'W', 100, 'valid', NULL), ('PEND/2', 'PEND', 'A', 90, 'disqualified', NULL),
  ('TWOAW/1', 'TWOAW', 'W', 100, 'valid', NULL), ('TWOAW/2', 'TWOAW', 'A', 90, 'disqualified', NULL),
  ('OTHERAW/1', 'OTHERAW', 'W', 100, 'valid', NULL), ('OTHERAW/2', 'OTHERAW', 'A', 90, 'disqualified', NULL),
  ('CONS/1', 'CONS', 'W', 100, 'valid', NULL), ('CONS/2', 'CONS', 'A', 90, 'disqualified', NULL),
  ('JOINTV/1', 'JOINTV', 'W', 100, 'valid', 2), ('JOINTV/2', 'JOINTV', 'A', 90, 'disqualified', NULL),
  ('JOINTDQ/1', 'JOINTDQ', 'W', 100, 'valid', NULL), ('JOINTDQ/2', 'JOINTDQ', 'A', 90, 'disqualified', 2),
  ('WDR/1', 'WDR', 'W', 100, 'valid', NULL), ('WDR/2', 'WDR', 'A', 90, 'withdrawn', NULL), ('WDR/3', 'WDR', 'B', 90, 'invited', NULL),
  ('WDR/4', 'WDR', 'C', 90, 'pending', NULL),
  ('DQW/1', 'DQW', 'W', 100, 'valid', NULL), ('DQW/2', 'DQW', 'W', 90, 'disqualified', NULL), ('DQW/3', 'DQW', 'A', 95, 'disqualified', NULL),
  ('CANC/1', 'CANC', 'W', 100, 'valid', NULL), ('CANC/2', 'CANC', 'A', 90, 'disqualified', NULL),
  ('DETAILS/1', 'DETAILS', 'W', 100, 'valid', NULL), ('DETAILS/2', 'DETAILS', 'A', 90, 'disqualified', NULL);
INSERT INTO t.award (aid, tid, firm, status, n)
SELECT tid || '/a', tid, CASE tid WHEN 'OTHERAW' THEN 'A' ELSE 'W' END, 'active', CASE tid WHEN 'CONS' THEN 2 END FROM t.tender;
INSERT INTO t.award (aid, tid, firm, status) VALUES ('PEND/b', 'PEND', 'A', 'pending'), ('TWOAW/b', 'TWOAW', 'W', 'active'),
  ('Q1/old', 'Q1', 'A', 'cancelled');

SELECT results_eq($$SELECT * FROM t.hits('R035')$$,
  $$VALUES ('enterprise', 'W', 0::numeric), ('tender', 'DETAILS', 1), ('tender', 'DQW', 1), ('tender', 'JOINTDQ', 2),
           ('tender', 'Q1', 2), ('tender', 'TWOAW', 1)$$,
  'R035: one valid tenderer holding every active award and other tenderers disqualified: the count of those (a joint bid''s members each), the winner with 0; another valid tenderer, a pending award, an award to another, a consortium award, a joint valid bid, withdrawn, invited or pending others, a cancelled process: not');
SELECT is((SELECT h.evidence FROM t.hit_rows('R035') h WHERE h.subject_kind = 'enterprise'),
  '{"processes": ["DETAILS", "DQW", "JOINTDQ", "Q1", "TWOAW"]}'::jsonb, 'R035: the winner''s evidence lists its processes');
SELECT is(t.fence('R035', 'tender'), 1::numeric, 'R035: the threshold is 1');
SELECT t.set('R035', '{"threshold": 2}');
SELECT results_eq($$SELECT subject, value FROM t.hits('R035') WHERE kind = 'tender'$$, $$VALUES ('JOINTDQ', 2::numeric), ('Q1', 2)$$,
  'R035 threshold 2: at least two other tenderers disqualified');
SELECT t.set('R035', '{"threshold": 0}');
SELECT is((SELECT count(*)::int FROM t.hits('R035') WHERE kind = 'tender'), 5, 'R035 threshold 0 counts as 1 (Cardinal)');
SELECT t.set('R035', '{"threshold": 1, "exclude_procurement_method_details": ["Sorteo de Obras"]}');
SELECT is((SELECT count(*)::int FROM t.hits('R035') WHERE subject = 'DETAILS'), 0, 'R035 exclude_procurement_method_details');

SELECT * FROM finish();
ROLLBACK;
