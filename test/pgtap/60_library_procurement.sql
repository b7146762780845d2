-- Rule library, procurement: for every rule, a small hand-made case that
-- must fire (subject, value, level) and near-misses that must not, run by
-- cleangov.run() over tables bound inside the transaction.  The fence rules
-- (R024 with a fence, R025, R038, R058, PROC_BID_RIGGING_SCREEN) get a
-- population of 20 or more subjects, and one where every value is the same:
-- no fence, nothing flagged (Cardinal's rule).
BEGIN;
SELECT plan(38);
SET client_min_messages = warning;

CREATE SCHEMA lib;
CREATE FUNCTION lib.run(code text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  SELECT * INTO r FROM cleangov.run(code);
  IF r.status <> 'ok' THEN RAISE EXCEPTION 'rule % did not run: % %', code, r.status, r.message; END IF;
  RETURN r.hits;
END $$;
-- The hit rows a rule gives now (evidence included), without raising alerts.
-- (Every hit's threshold is kept in lib.seen, for the last test.)
CREATE TABLE lib.seen (rule_code text, threshold float8);
CREATE FUNCTION lib.hit_rows(code text) RETURNS SETOF cleangov.hit LANGUAGE plpgsql AS $$
DECLARE h cleangov.hit;
BEGIN
  FOR h IN EXECUTE 'SELECT (h).* FROM (' || cleangov.rule_sql(code) || ') x' LOOP
    INSERT INTO lib.seen VALUES (h.rule_code, h.threshold);
    RETURN NEXT h;
  END LOOP;
END $$;
-- The subjects a rule fires on now, and the values.
CREATE FUNCTION lib.hits(code text) RETURNS TABLE (subject_key text, value numeric) LANGUAGE sql AS $$
  SELECT h.subject_key, round(h.value::numeric, 4) FROM lib.hit_rows(code) h ORDER BY 1 $$;
CREATE FUNCTION lib.alerts(code text) RETURNS TABLE (subject_key text, value numeric, level text)
LANGUAGE sql AS $$
  SELECT a.subject_key, round(a.value::numeric, 4), a.level::text FROM cleangov.alert a
   WHERE a.rule_code = code AND a.status = 'open' ORDER BY 1 $$;

CREATE TABLE lib.tender (tid text, buyer text, method text, cat text, item text, p_start timestamptz, p_end timestamptz,
                         est numeric, draw boolean, status text);
CREATE TABLE lib.bid (bid text, tid text, firm text, amount numeric, at timestamptz, status text);
CREATE TABLE lib.award (aid text, tid text, firm text, status text);
CREATE TABLE lib.contract (cid text, buyer text, supplier text, amount numeric, method text, market numeric, signed timestamptz);
CREATE TABLE lib.change (chid text, cid text, at timestamptz, kind text, delta numeric);
CREATE TABLE lib.firm (eid text, address text, phone text, email text);
SELECT cleangov.bind('tender', 'lib.tender', '{"tender_id": "tid", "buyer_id": "buyer", "unit_code": "buyer", "category": "cat",
  "item_class": "item", "period_start": "p_start", "period_end": "p_end", "estimated_value": "est", "random_draw": "draw"}');
SELECT cleangov.bind('bid', 'lib.bid', '{"bid_id": "bid", "tender_id": "tid", "bidder_id": "firm", "submitted_at": "at"}');
SELECT cleangov.bind('award', 'lib.award', '{"award_id": "aid", "tender_id": "tid", "supplier_id": "firm"}');
SELECT cleangov.bind('contract', 'lib.contract', '{"contract_id": "cid", "buyer_id": "buyer", "supplier_id": "supplier",
  "unit_code": "buyer", "market_price": "market", "signed_at": "signed"}');
SELECT cleangov.bind('contract_change', 'lib.change', '{"change_id": "chid", "contract_id": "cid", "changed_at": "at", "amount_delta": "delta"}');
SELECT cleangov.bind('enterprise', 'lib.firm', '{"enterprise_id": "eid"}');

-- PROC_SMALL_WORKS_NO_DRAW (a row rule on the tender; R003: cardinal/R003.sql)
INSERT INTO lib.tender (tid, buyer, method, cat, p_start, p_end, est, draw, status) VALUES
  ('W1', 'U2', 'open', 'works', NULL, NULL, 480000, false, NULL),
  ('W2', 'U2', 'open', 'works', NULL, NULL, 500000, false, NULL),   -- at the limit
  ('W3', 'U2', 'draw', 'works', NULL, NULL, 300000, true, NULL),    -- drawn
  ('W4', 'U2', 'open', 'goods', NULL, NULL, 300000, false, NULL);   -- goods
SELECT is(lib.run('PROC_SMALL_WORKS_NO_DRAW'), 1, 'PROC_SMALL_WORKS_NO_DRAW: one tender');
SELECT results_eq($$SELECT * FROM lib.alerts('PROC_SMALL_WORKS_NO_DRAW')$$, $$VALUES ('W1', 480000::numeric, 'yellow')$$,
                  'works below 500,000 without a draw fire; at the limit, drawn, or goods do not');

-- PROC_PRICE_OVER_MARKET, PROC_DIRECT_AWARDS_CUMULATIVE (R055 before issue 13), PROC_SPLIT_PURCHASE, PROC_BUYER_DEPENDENCE, PROC_FREQUENT_CHANGES
INSERT INTO lib.contract VALUES
  ('C1', 'B1', 'S1', 125, 'open', 100, '2024-01-10'),    -- 25 % over market
  ('C2', 'B1', 'S2', 120, 'open', 100, '2024-01-10'),    -- exactly 20 % over
  ('C3', 'B1', 'S3', 500, 'open', 0, '2024-01-10');      -- no market price
SELECT is(lib.run('PROC_PRICE_OVER_MARKET'), 1, 'PROC_PRICE_OVER_MARKET: one contract');
SELECT results_eq($$SELECT * FROM lib.alerts('PROC_PRICE_OVER_MARKET')$$, $$VALUES ('C1', 0.25::numeric, 'yellow')$$,
                  'more than 20 % over the market price fires with the excess as value; exactly 20 % does not');
TRUNCATE lib.contract;
INSERT INTO lib.contract VALUES
  ('D1', 'B1', 'S1', 400000, 'direct', NULL, '2024-01-10'), ('D2', 'B1', 'S1', 400000, 'direct', NULL, '2024-06-10'),
  ('D3', 'B1', 'S1', 300000, 'direct', NULL, '2024-11-10'),                               -- 1,100,000 direct
  ('D4', 'B1', 'S2', 500000, 'direct', NULL, '2024-01-10'), ('D5', 'B1', 'S2', 500000, 'direct', NULL, '2024-06-10'), -- exactly 1,000,000
  ('D6', 'B1', 'S3', 900000, 'direct', NULL, '2024-01-10'), ('D7', 'B1', 'S3', 900000, 'open', NULL, '2024-06-10');  -- one is not direct
SELECT is(lib.run('PROC_DIRECT_AWARDS_CUMULATIVE'), 1, 'PROC_DIRECT_AWARDS_CUMULATIVE: one buyer-supplier pair');
SELECT results_eq($$SELECT * FROM lib.alerts('PROC_DIRECT_AWARDS_CUMULATIVE')$$, $$VALUES ('B1/S1', 1100000::numeric, 'yellow')$$,
                  'direct awards adding up past 1,000,000 fire; exactly 1,000,000, or with an open award, do not');
TRUNCATE lib.contract;
INSERT INTO lib.contract VALUES
  ('P1', 'B2', 'S1', 300000, 'direct', NULL, '2024-01-10'), ('P2', 'B2', 'S1', 250000, 'direct', NULL, '2024-04-09'), -- 90 days apart
  ('P3', 'B2', 'S2', 300000, 'direct', NULL, '2024-01-10'), ('P4', 'B2', 'S2', 250000, 'direct', NULL, '2024-04-10'), -- 91 days apart
  ('P5', 'B2', 'S3', 200000, 'direct', NULL, '2024-01-10'), ('P6', 'B2', 'S3', 250000, 'direct', NULL, '2024-01-20'), -- sum 450,000
  ('P7', 'B2', 'S4', 300000, 'direct', NULL, '2024-01-10'), ('P8', 'B2', 'S4', 500000, 'direct', NULL, '2024-01-20'); -- one part at the limit
SELECT is(lib.run('PROC_SPLIT_PURCHASE'), 1, 'PROC_SPLIT_PURCHASE: one pair');
SELECT results_eq($$SELECT * FROM lib.alerts('PROC_SPLIT_PURCHASE')$$, $$VALUES ('B2/S1', 550000::numeric, 'yellow')$$,
                  'parts below 500,000 within 90 days adding up past it fire; 91 days apart, a sum below, or a part at the limit do not');
TRUNCATE lib.contract;
INSERT INTO lib.contract
SELECT 'Y' || i, 'B3', CASE WHEN i <= 2 THEN 'S1' ELSE 'S' || i END, CASE WHEN i <= 2 THEN 400 ELSE 100 END, 'open', NULL, '2024-05-01'
  FROM generate_series(1, 5) i;                                     -- B3: S1 has 800 of 1,100 in 2024, 5 contracts
INSERT INTO lib.contract
SELECT 'Z' || i, 'B4', CASE WHEN i <= 2 THEN 'S1' ELSE 'S' || i END, CASE WHEN i <= 2 THEN 400 ELSE 100 END, 'open', NULL, '2024-05-01'
  FROM generate_series(1, 4) i;                                     -- B4: same share, only 4 contracts
INSERT INTO lib.contract VALUES ('X1', 'B5', 'S1', 500, 'open', NULL, '2024-05-01'), ('X2', 'B5', 'S2', 500, 'open', NULL, '2024-05-01'),
  ('X3', 'B5', 'S3', 0, 'open', NULL, '2024-05-01'), ('X4', 'B5', 'S4', 0, 'open', NULL, '2024-05-01'), ('X5', 'B5', 'S5', 0, 'open', NULL, '2024-05-01');
SELECT is(lib.run('PROC_BUYER_DEPENDENCE'), 1, 'PROC_BUYER_DEPENDENCE: one pair');
SELECT results_eq($$SELECT subject_key, value, level, (SELECT period FROM cleangov.alert WHERE rule_code = 'PROC_BUYER_DEPENDENCE')
                      FROM lib.alerts('PROC_BUYER_DEPENDENCE')$$,
                  $$VALUES ('B3/S1', round(800 / 1100.0, 4), 'blue', '2024')$$,
                  'a supplier''s yearly share above 50 % of a buyer with 5 contracts fires; 4 contracts, or exactly 50 %, do not');
INSERT INTO lib.change VALUES ('1', 'Y1', '2024-06-01', 'amount', 10), ('2', 'Y1', '2024-06-01', 'scope', 0), ('3', 'Y1', '2024-07-01', 'duration', 0),
                              ('4', 'Y2', '2024-06-01', 'amount', 10), ('5', 'Y2', '2024-07-01', 'amount', 10);
SELECT is(lib.run('PROC_FREQUENT_CHANGES'), 1, 'PROC_FREQUENT_CHANGES: one contract');
SELECT results_eq($$SELECT * FROM lib.alerts('PROC_FREQUENT_CHANGES')$$, $$VALUES ('Y1', 3::numeric, 'yellow')$$,
                  'three changes fire; two do not');
TRUNCATE lib.contract, lib.change, lib.tender;

-- Per-tender bid rules: PROC_SINGLE_BIDDER (R018 from the bids), R024 (fixed threshold), R035, R036,
-- PROC_SHARED_CONTACTS (R044 over the register).  R018, R028, R030, R044: cardinal/.
INSERT INTO lib.tender (tid, buyer, method, p_end)
SELECT t, 'U1', m, '2024-03-01 10:00' FROM (VALUES ('S1', 'open'), ('S2', 'limited'), ('S3', 'open'), ('P1', 'open'), ('P2', 'open'),
  ('P3', 'open'), ('P4', 'open'), ('I1', 'open'), ('I2', 'open'), ('I3', 'open'), ('L1', 'open'), ('L2', 'open'), ('L3', 'open'),
  ('Q1', 'open'), ('Q2', 'open'), ('D1', 'open'), ('D2', 'open'), ('D3', 'open'), ('K1', 'open'), ('K2', 'open')) v(t, m);
INSERT INTO lib.bid (bid, tid, firm, amount, at, status) VALUES
  ('1', 'S1', 'E1', 100, NULL, 'valid'), ('2', 'S1', 'E1', 101, NULL, 'valid'),        -- one tenderer, two bids
  ('3', 'S2', 'E1', 100, NULL, 'valid'),                                                -- limited: not competitive
  ('4', 'S3', 'E1', 100, NULL, 'valid'), ('5', 'S3', 'E2', 101, NULL, 'valid'),
  ('6', 'P1', 'E1', 1000, NULL, 'valid'), ('7', 'P1', 'E2', 1004, NULL, 'valid'), ('8', 'P1', 'E3', 1100, NULL, 'valid'),
  ('9', 'P2', 'E1', 1000, NULL, 'valid'), ('10', 'P2', 'E2', 1005, NULL, 'valid'),    -- d = 0.005 exactly
  ('11', 'P3', 'E1', 1000, NULL, 'valid'), ('12', 'P3', 'E2', 1006, NULL, 'valid'),
  ('13', 'P4', 'E1', 1000, NULL, 'valid'), ('14', 'P4', 'E2', 900, NULL, 'valid'),     -- the winner is not the lowest
  ('15', 'I1', 'E1', 500, NULL, 'valid'), ('16', 'I1', 'E2', 500, NULL, 'valid'), ('17', 'I1', 'E3', 520, NULL, 'valid'),
  ('18', 'I2', 'E1', 500, NULL, 'valid'), ('19', 'I2', 'E1', 500, NULL, 'valid'), ('20', 'I2', 'E2', 520, NULL, 'valid'),
  ('21', 'I3', 'E1', 600, NULL, 'valid'), ('22', 'I3', 'E2', 600, NULL, 'withdrawn'),
  ('23', 'L1', 'E1', 100, '2024-03-01 10:30', 'valid'), ('23b', 'L1', 'E3', 200, '2024-03-01 09:00', 'valid'), -- won, 30 minutes late
  ('24', 'L2', 'E1', 100, '2024-03-01 10:00', 'valid'), ('24b', 'L2', 'E3', 200, '2024-03-01 09:00', 'valid'), -- won, on the deadline
  ('25', 'L3', 'E1', 100, '2024-03-01 09:00', 'valid'), ('26', 'L3', 'E2', 150, '2024-03-01 11:00', 'valid'), -- late, lost
  ('27', 'Q1', 'E1', 100, NULL, 'valid'), ('28', 'Q1', 'E2', 110, NULL, 'disqualified'), ('29', 'Q1', 'E3', 120, NULL, 'disqualified'),
  ('30', 'Q2', 'E1', 100, NULL, 'valid'), ('31', 'Q2', 'E2', 110, NULL, 'valid'), ('32', 'Q2', 'E3', 120, NULL, 'disqualified'),
  ('33', 'D1', 'E1', 100, NULL, 'valid'), ('34', 'D1', 'E2', 90, NULL, 'disqualified'), ('34b', 'D1', 'E3', 130, NULL, 'valid'),
  ('35', 'D2', 'E1', 100, NULL, 'valid'), ('36', 'D2', 'E2', 90, NULL, 'disqualified'), -- no award
  ('37', 'D3', 'E1', 90, NULL, 'valid'), ('38', 'D3', 'E2', 95, NULL, 'disqualified'), ('38b', 'D3', 'E3', 130, NULL, 'valid'),
  ('39', 'K1', 'E5', 100, NULL, 'valid'), ('40', 'K1', 'E6', 110, NULL, 'valid'),
  ('41', 'K2', 'E5', 100, NULL, 'valid'), ('42', 'K2', 'E7', 110, NULL, 'valid');
INSERT INTO lib.award (aid, tid, firm) SELECT t, t, 'E1' FROM unnest(ARRAY['P1', 'P2', 'P3', 'P4', 'L1', 'L2', 'L3', 'Q1', 'Q2', 'D1', 'D3']) t;
INSERT INTO lib.firm VALUES ('E1', '黄河路1号', '0516-1', 'e1@x.cn'), ('E2', '黄河路2号', '0516-2', 'e2@x.cn'), ('E3', '黄河路3号', '0516-3', 'e3@x.cn'),
                            ('E5', '黄河路5号', '0516-5', 'e5@x.cn'), ('E6', '黄河路6号', '0516-5', 'e6@x.cn'), ('E7', '黄河路7号', '0516-7', 'e7@x.cn');
SELECT results_eq($$SELECT * FROM lib.hits('PROC_SINGLE_BIDDER')$$, $$VALUES ('I3', 1::numeric), ('S1', 1)$$,
                  'PROC_SINGLE_BIDDER: one tenderer on an open tender fires, also when another''s bid was withdrawn; on a limited tender, or two tenderers, not');
SELECT results_eq($$SELECT * FROM lib.hits('R024')$$, $$VALUES ('P1', 0.004::numeric), ('P2', 0.005)$$,
                  'R024: the runner-up within 0.5 % of the winner fires (0.5 % itself too); 0.6 %, or a winner that is not the lowest, not');
SELECT results_eq($$SELECT * FROM lib.hits('R035')$$, $$VALUES ('Q1', 2::numeric)$$,
                  'R035: every bid but the winner''s disqualified fires; one other valid bid, not');
SELECT results_eq($$SELECT * FROM lib.hits('R036')$$, $$VALUES ('D1', 90::numeric)$$,
                  'R036: the lowest bid disqualified with an award fires; without an award, or a valid lowest bid, not');
SELECT results_eq($$SELECT * FROM lib.hits('PROC_SHARED_CONTACTS')$$, $$VALUES ('K1', 1::numeric)$$,
                  'PROC_SHARED_CONTACTS: two tenderers with one phone in the register fire; distinct contacts do not');
SELECT results_eq($$SELECT rule_code, hits, raised FROM cleangov.run(domain => 'procurement')
                     WHERE rule_code IN ('PROC_SHARED_CONTACTS', 'PROC_SINGLE_BIDDER', 'R024', 'R035', 'R036') ORDER BY 1$$,
                  $$VALUES ('PROC_SHARED_CONTACTS', 1, 1), ('PROC_SINGLE_BIDDER', 2, 2), ('R024', 2, 2), ('R035', 1, 1), ('R036', 1, 1)$$,
                  'run() raises each hit as an alert');
SELECT results_eq($$SELECT rule_code, level::text FROM cleangov.alert WHERE rule_code IN ('PROC_SHARED_CONTACTS', 'PROC_SINGLE_BIDDER', 'R035', 'R036') ORDER BY 1$$,
                  $$VALUES ('PROC_SHARED_CONTACTS', 'red'), ('PROC_SINGLE_BIDDER', 'yellow'), ('PROC_SINGLE_BIDDER', 'yellow'), ('R035', 'yellow'), ('R036', 'yellow')$$,
                  'at the rules'' default levels');
TRUNCATE lib.tender, lib.bid, lib.award, lib.firm;

-- R024 (fence), R058: 40 open tenders, runner-up 5.05 % .. 7 % above the winner,
-- one at 50 % (R058), one at 0.1 % (R024), near-misses at 7.5 % and 4.5 %.
CREATE TABLE lib.gap (tid text, d numeric);
INSERT INTO lib.gap SELECT 'G' || i, 0.0505 + 0.0005 * (i - 1) FROM generate_series(1, 40) i;
INSERT INTO lib.gap VALUES ('HI', 0.5), ('LO', 0.001), ('NH', 0.075), ('NL', 0.045);
INSERT INTO lib.tender (tid, buyer, method) SELECT tid, 'U1', 'open' FROM lib.gap;
INSERT INTO lib.bid (bid, tid, firm, amount, status)
SELECT tid || x.f, tid, x.f, CASE x.f WHEN 'A' THEN 1000 WHEN 'B' THEN 1000 * (1 + d) ELSE 3000 END, 'valid'
  FROM lib.gap CROSS JOIN (VALUES ('A'), ('B'), ('C')) x(f);
INSERT INTO lib.award (aid, tid, firm) SELECT tid, tid, 'A' FROM lib.gap;
SELECT results_eq($$SELECT * FROM lib.hits('R058')$$, $$VALUES ('HI', 0.5::numeric)$$,
                  'R058: a 50 % gap is above Q3 + 1.5 IQR; 7.5 % is not');
SELECT results_eq($$SELECT * FROM lib.hits('R024')$$, $$VALUES ('LO', 0.001::numeric)$$,
                  'R024 (fixed 0.5 %): only the 0.1 % gap');
UPDATE cleangov.rule SET thresholds = thresholds || '{"max_d": null}' WHERE rule_code = 'R024';
SELECT results_eq($$SELECT * FROM lib.hits('R024')$$, $$VALUES ('LO', 0.001::numeric)$$,
                  'R024 with the fence: 0.1 % is below Q1 - 1.5 IQR; 4.5 % is not');
SELECT is(lib.run('R024'), 1, 'R024 with the fence: one alert');
SELECT is((SELECT round(threshold::numeric, 6) FROM cleangov.alert WHERE rule_code = 'R024' AND subject_key = 'LO'),
          (SELECT round((percentile_cont(0.25) WITHIN GROUP (ORDER BY d) - 1.5 * (percentile_cont(0.75) WITHIN GROUP (ORDER BY d)
                         - percentile_cont(0.25) WITHIN GROUP (ORDER BY d)))::numeric, 6) FROM lib.gap),
          'the alert reports the fence, equal to Q1 - 1.5 IQR computed independently');
UPDATE lib.bid SET amount = 1020 WHERE firm = 'B';     -- every gap 2 %: no fence
SELECT is((SELECT count(*)::int FROM lib.hits('R058')), 0, 'R058: identical gaps give no fence and flag nothing');
SELECT is((SELECT count(*)::int FROM lib.hits('R024')), 0, 'R024 (fence): identical gaps give no fence and flag nothing');
UPDATE cleangov.rule SET thresholds = thresholds || '{"max_d": 0.005}' WHERE rule_code = 'R024';
TRUNCATE lib.tender, lib.bid, lib.award;

-- R025, R038: per tenderer, one bid per tender.  Tenderer b (1..19) wins
-- 4 + b % 3 of 10 bids (0.4 .. 0.6) and has b % 3 of them disqualified
-- (0, 0.1, 0.2); L wins none of 12, N wins 2 of 10 (near-miss); X has 8 of 10
-- disqualified, Z 3 of 10 (near-miss), Y one bid, disqualified (too few).
CREATE TABLE lib.plan (firm text, n int, wins int, dq int);
INSERT INTO lib.plan SELECT 'B' || b, 10, 4 + b % 3, b % 3 FROM generate_series(1, 19) b;
INSERT INTO lib.plan VALUES ('L', 12, 0, 0), ('N', 10, 2, 0);
INSERT INTO lib.tender (tid, buyer, method) SELECT firm || '-' || j, 'U1', 'open' FROM lib.plan, generate_series(1, n) j;
INSERT INTO lib.bid (bid, tid, firm, amount, status) SELECT firm || '-' || j, firm || '-' || j, firm, 100, 'valid' FROM lib.plan, generate_series(1, n) j;
INSERT INTO lib.award (aid, tid, firm) SELECT firm || '-' || j, firm || '-' || j, firm FROM lib.plan, generate_series(1, wins) j;
SELECT results_eq($$SELECT * FROM lib.hits('R025')$$, $$VALUES ('L', 0::numeric)$$,
                  'R025: no win in 12 bids is below Q1 - 1.5 IQR (0.1) with a bid count at the 75th percentile; 2 wins in 10 is not');
UPDATE lib.award SET firm = 'none';
INSERT INTO lib.award (aid, tid, firm) SELECT tid, tid, firm FROM lib.bid WHERE tid ~ '-([1-5])$';   -- everyone wins half
DELETE FROM lib.bid WHERE firm = 'L' AND tid ~ '-1[12]$';
SELECT is((SELECT count(*)::int FROM lib.hits('R025')), 0, 'R025: identical win ratios give no fence and flag nothing');
TRUNCATE lib.tender, lib.bid, lib.award, lib.plan;
INSERT INTO lib.plan SELECT 'B' || b, 10, 0, b % 3 FROM generate_series(1, 19) b;
INSERT INTO lib.plan VALUES ('X', 10, 0, 8), ('Z', 10, 0, 3), ('Y', 1, 0, 1);
INSERT INTO lib.tender (tid, buyer, method) SELECT firm || '-' || j, 'U1', 'open' FROM lib.plan, generate_series(1, n) j;
INSERT INTO lib.bid (bid, tid, firm, amount, status)
SELECT firm || '-' || j, firm || '-' || j, firm, 100, CASE WHEN j <= dq THEN 'disqualified' ELSE 'valid' END FROM lib.plan, generate_series(1, n) j;
SELECT results_eq($$SELECT * FROM lib.hits('R038')$$, $$VALUES ('X', 0.8::numeric)$$,
                  'R038: 8 of 10 disqualified is above Q3 + 1.5 IQR (0.5); 3 of 10 is not, one disqualified bid is too few to count');
UPDATE lib.bid SET status = CASE WHEN right(tid, 2) = '-1' THEN 'disqualified' ELSE 'valid' END;
SELECT is((SELECT count(*)::int FROM lib.hits('R038')), 0, 'R038: identical ratios give no fence and flag nothing');
TRUNCATE lib.tender, lib.bid, lib.award, lib.plan;

-- PROC_BID_RIGGING_SCREEN: 40 ordinary open tenders of 6 bids scattered around
-- 1000; one with a low winner and five cover bids bunched 8 % above it
-- (low CV, high kurtosis, large RD); one whose only oddity is a large RD.
INSERT INTO lib.tender (tid, buyer, method) SELECT 'N' || i, 'U1', 'open' FROM generate_series(1, 40) i;
INSERT INTO lib.bid (bid, tid, firm, amount, status)
SELECT 'N' || i || '-' || k, 'N' || i, 'F' || k, 900 + ((i * i * 131 + k * k * k * 71 + i * k * 17) % 200), 'valid' FROM generate_series(1, 40) i, generate_series(1, 6) k;
INSERT INTO lib.tender (tid, buyer, method) VALUES ('CART', 'U1', 'open'), ('RD', 'U1', 'open');
INSERT INTO lib.bid (bid, tid, firm, amount, status) VALUES
  ('c1', 'CART', 'F1', 1000, 'valid'), ('c2', 'CART', 'F2', 1080, 'valid'), ('c3', 'CART', 'F3', 1081, 'valid'),
  ('c4', 'CART', 'F4', 1082, 'valid'), ('c5', 'CART', 'F5', 1083, 'valid'), ('c6', 'CART', 'F6', 1084, 'valid'),
  ('r1', 'RD', 'F1', 700, 'valid'), ('r2', 'RD', 'F2', 950, 'valid'), ('r3', 'RD', 'F3', 1000, 'valid'),
  ('r4', 'RD', 'F4', 1050, 'valid'), ('r5', 'RD', 'F5', 1100, 'valid'), ('r6', 'RD', 'F6', 1150, 'valid');
-- Negotiated tenders G1..G40: five evenly spaced bids whose spread grows
-- geometrically (CV from about 5 % to 33 %: right-skewed, as CVs are), and
-- TIGHT, five evenly spaced bids within 0.1 %: a low CV and nothing else.
INSERT INTO lib.tender (tid, buyer, method) SELECT 'G' || i, 'U1', 'negotiated' FROM generate_series(1, 40) i;
INSERT INTO lib.bid (bid, tid, firm, amount, status)
SELECT 'G' || i || '-' || k, 'G' || i, 'F' || k, round(1000 * (1 + exp(-3.5 + 0.05 * i) * (k - 3)), 2), 'valid'
  FROM generate_series(1, 40) i, generate_series(1, 5) k;
INSERT INTO lib.tender (tid, buyer, method) VALUES ('TIGHT', 'U1', 'negotiated');
INSERT INTO lib.bid (bid, tid, firm, amount, status) VALUES
  ('t1', 'TIGHT', 'F1', 1000, 'valid'), ('t2', 'TIGHT', 'F2', 1000.2, 'valid'), ('t3', 'TIGHT', 'F3', 1000.4, 'valid'),
  ('t4', 'TIGHT', 'F4', 1000.6, 'valid'), ('t5', 'TIGHT', 'F5', 1000.8, 'valid');
SELECT results_eq($$SELECT subject_key FROM lib.hits('PROC_BID_RIGGING_SCREEN')$$, $$VALUES ('CART')$$,
                  'PROC_BID_RIGGING_SCREEN: the cartel-like tender passes two screens; one screen alone does not fire');
SELECT is((SELECT count(*)::int FROM (SELECT (cleangov.bid_screens(amount::float8)).* FROM lib.bid WHERE tid = 'CART') s
            WHERE s.cv < 0.05 AND s.rd > 10), 1, 'the planted tender''s screens: CV below 5 %, RD above 10');
-- One screen at a time (min_screens 1): which screen each tender passes.  The
-- low-CV fence is on ln(CV): on the raw scale Q1 - 1.5 IQR of the negotiated
-- tenders' CVs is below zero, and no CV could fall under it.
SELECT ok((SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY cv) - 1.5 * (percentile_cont(0.75) WITHIN GROUP (ORDER BY cv)
                  - percentile_cont(0.25) WITHIN GROUP (ORDER BY cv)) < 0
             FROM (SELECT (cleangov.bid_screens(amount::float8)).cv FROM lib.bid WHERE tid LIKE 'G%' GROUP BY tid) x),
          'on the raw scale the lower CV fence of the negotiated tenders is below zero');
UPDATE cleangov.rule SET thresholds = thresholds || '{"min_screens": 1}' WHERE rule_code = 'PROC_BID_RIGGING_SCREEN';
SELECT results_eq($$SELECT (h).subject_key, (h).evidence->>'low_cv', (h).evidence->>'high_kurtosis', (h).evidence->>'high_rd'
                      FROM lib.hit_rows('PROC_BID_RIGGING_SCREEN') h WHERE (h).subject_key IN ('CART', 'RD', 'TIGHT') ORDER BY 1$$,
                  $$VALUES ('CART', 'false', 'true', 'true'), ('TIGHT', 'true', 'false', 'false')$$,
                  'the low-CV screen fires on ln(CV) (TIGHT among the negotiated tenders); RD 3.2 is inside the outer fence (k_rd 3)');
UPDATE cleangov.rule SET thresholds = thresholds || '{"k_rd": 1.5}' WHERE rule_code = 'PROC_BID_RIGGING_SCREEN';
SELECT results_eq($$SELECT (h).evidence->>'high_rd' FROM lib.hit_rows('PROC_BID_RIGGING_SCREEN') h WHERE (h).subject_key = 'RD'$$,
                  $$VALUES ('true')$$, 'k_rd sets the RD fence: at Tukey''s inner fence (1.5) the RD tender passes it');
UPDATE cleangov.rule SET thresholds = thresholds || '{"min_screens": 2, "k_rd": 3}' WHERE rule_code = 'PROC_BID_RIGGING_SCREEN';
DELETE FROM lib.bid WHERE tid = 'TIGHT' OR tid LIKE 'G%';
UPDATE lib.bid SET amount = 900 + k.k * 20 FROM (SELECT bid, right(bid, 1)::int AS k FROM lib.bid WHERE tid LIKE 'N%') k
 WHERE k.bid = lib.bid.bid;
DELETE FROM lib.bid WHERE tid IN ('RD');
SELECT is((SELECT count(*)::int FROM lib.hits('PROC_BID_RIGGING_SCREEN')), 0,
          'identical ordinary tenders give no fences: nothing flagged, not even the cartel-like one');

-- Every alert carries its threshold, in the unit of its value (issue 12):
-- over every alert the rules above raised on these fixtures.
SELECT is((SELECT array_agg(DISTINCT rule_code ORDER BY rule_code)
             FROM (SELECT rule_code, threshold FROM cleangov.alert UNION ALL SELECT * FROM lib.seen) x WHERE threshold IS NULL), NULL,
          'every alert raised and every hit computed here carries its threshold');
SELECT is((SELECT array_agg(DISTINCT rule_code ORDER BY rule_code)
             FROM (SELECT rule_code FROM cleangov.alert UNION ALL SELECT rule_code FROM lib.seen) x WHERE rule_code !~ '^R[0-9]{3}$'),
          (SELECT array_agg(rule_code ORDER BY rule_code) FROM cleangov.rule WHERE domain = 'procurement' AND rule_code !~ '^(REL_|R[0-9]{3}$)'),
          'and that is every procurement rule of this library file but Cardinal''s (test/pgtap/cardinal/)');

SELECT * FROM finish();
ROLLBACK;
