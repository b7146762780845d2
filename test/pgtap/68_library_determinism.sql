-- Rule library: the evidence of a hit depends on the data only, never on the
-- physical order of the rows.  A closed alert whose rule fires again with the
-- same value and evidence is the same fact (no new alert); evidence that
-- changes with row order would raise a spurious recurrence.  Each rule with a
-- list or a pick among ties in its evidence is run over data loaded in one
-- order and again over the same rows loaded in the reverse order.
BEGIN;
SELECT plan(10);
SET client_min_messages = warning;
SET LOCAL max_parallel_workers_per_gather = 0;

CREATE SCHEMA lib;
-- The rule's hits as one jsonb value (subject, value, evidence), in subject order.
CREATE FUNCTION lib.snapshot(code text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE j jsonb;
BEGIN
  EXECUTE 'SELECT jsonb_agg(jsonb_build_array((h).subject_key, (h).value, (h).evidence) ORDER BY (h).subject_key) FROM ('
          || cleangov.rule_sql(code) || ') x' INTO j;
  RETURN j;
END $$;
-- Reloads a table with its rows in the reverse of their current physical order.
CREATE FUNCTION lib.reverse(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TEMP TABLE lib_copy AS SELECT *, row_number() OVER () AS lib_n FROM %s', t);
  EXECUTE format('TRUNCATE %s', t);
  EXECUTE format('INSERT INTO %s SELECT %s FROM lib_copy ORDER BY lib_n DESC', t,
    (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = t AND attnum > 0 AND NOT attisdropped));
  DROP TABLE lib_copy;
END $$;

CREATE TABLE lib.tender (tid text, method text, p_end timestamptz);
CREATE TABLE lib.bid (bid text, tid text, firm text, amount numeric, at timestamptz, status text);
CREATE TABLE lib.award (aid text, tid text, firm text);
CREATE TABLE lib.firm (eid text, address text, phone text);
CREATE TABLE lib.contract (cid text, buyer text, supplier text, amount numeric, signed timestamptz);
CREATE TABLE lib.change (chid text, cid text, at timestamptz, kind text);
CREATE TABLE lib.steps (id text, case_id text, step text, seq int, at timestamptz);
SELECT cleangov.bind('tender', 'lib.tender', '{"tender_id": "tid", "buyer_id": "method", "period_end": "p_end"}');
SELECT cleangov.bind('bid', 'lib.bid', '{"bid_id": "bid", "tender_id": "tid", "bidder_id": "firm", "submitted_at": "at"}');
SELECT cleangov.bind('award', 'lib.award', '{"award_id": "aid", "tender_id": "tid", "supplier_id": "firm"}');
SELECT cleangov.bind('enterprise', 'lib.firm', '{"enterprise_id": "eid"}');
SELECT cleangov.bind('contract', 'lib.contract', '{"contract_id": "cid", "buyer_id": "buyer", "supplier_id": "supplier", "signed_at": "signed"}');
SELECT cleangov.bind('contract_change', 'lib.change', '{"change_id": "chid", "contract_id": "cid", "changed_at": "at"}');
SELECT cleangov.bind('approval_step', 'lib.steps', '{"step_id": "id", "expected_seq": "seq", "done_at": "at"}');

INSERT INTO lib.tender VALUES ('T1', 'open', '2024-03-01 10:00'), ('T2', 'open', '2024-03-01 10:00'), ('T3', 'open', '2024-03-01 10:00');
INSERT INTO lib.tender SELECT 'N' || i, 'open', '2024-03-01 10:00' FROM generate_series(1, 30) i;
INSERT INTO lib.bid VALUES
  -- T1: E1 and E2 share a phone, E2 and E3 an address (two findings in one list)
  ('1', 'T1', 'E1', 100, NULL, 'valid'), ('2', 'T1', 'E2', 110, NULL, 'valid'), ('3', 'T1', 'E3', 120, NULL, 'valid'),
  -- T2: two awarded suppliers both one hour late (a tie for the evidence's bidder)
  ('4', 'T2', 'E4', 100, '2024-03-01 11:00', 'valid'), ('5', 'T2', 'E5', 100, '2024-03-01 11:00', 'valid'),
  -- T3: two disqualified bids tie for the lowest
  ('6', 'T3', 'E4', 90, NULL, 'disqualified'), ('7', 'T3', 'E5', 90, NULL, 'disqualified'), ('8', 'T3', 'E6', 100, NULL, 'valid');
-- 30 ordinary tenders of 6 bids and one with bunched cover bids, for the screens
INSERT INTO lib.bid SELECT 'N' || i || '-' || k, 'N' || i, 'F' || k, 900 + ((i * i * 131 + k * k * k * 71 + i * k * 17) % 200), NULL, 'valid'
  FROM generate_series(1, 30) i, generate_series(1, 6) k;
UPDATE lib.bid SET amount = CASE firm WHEN 'F1' THEN 1000 ELSE 1078 + right(firm, 1)::int END WHERE tid = 'N30';
INSERT INTO lib.award VALUES ('a1', 'T2', 'E4'), ('a2', 'T2', 'E5'), ('a3', 'T3', 'E6');
INSERT INTO lib.firm VALUES ('E1', '黄河路1号', '0516-9'), ('E2', '黄河路2号', '0516-9'), ('E3', '黄河路2号', '0516-3');
-- split purchase: two 90-day windows with the same total (a tie for the evidence's contracts)
INSERT INTO lib.contract VALUES ('K1', 'B1', 'S1', 300000, '2024-01-01'), ('K2', 'B1', 'S1', 300000, '2024-02-20'),
                                ('K3', 'B1', 'S1', 300000, '2024-04-10');
-- frequent changes: four changes of one contract on one day
INSERT INTO lib.change VALUES ('1', 'K1', '2024-06-01', 'amount'), ('2', 'K1', '2024-06-01', 'scope'),
                              ('3', 'K1', '2024-06-01', 'duration'), ('4', 'K1', '2024-06-01', 'supplier_info');
-- out of order: building and paying both five days before the approval
INSERT INTO lib.steps VALUES ('1', 'O1', 'approve', 4, '2024-03-10'), ('2', 'O1', 'build_start', 5, '2024-03-05'),
                             ('3', 'O1', 'pay', 6, '2024-03-05');

CREATE TEMP TABLE before AS
SELECT code, lib.snapshot(code) AS hits
  FROM unnest(ARRAY['R044', 'R030', 'R036', 'PROC_SPLIT_PURCHASE', 'PROC_FREQUENT_CHANGES', 'APPR_OUT_OF_ORDER',
                    'PROC_BID_RIGGING_SCREEN', 'R028']) code;
SELECT is((SELECT count(*)::int FROM before WHERE hits IS NOT NULL), 8, 'every rule has hits to compare');
SELECT lib.reverse(t) FROM unnest(ARRAY['lib.tender', 'lib.bid', 'lib.award', 'lib.firm', 'lib.contract', 'lib.change', 'lib.steps']::regclass[]) t;
SELECT is((SELECT count(*)::int FROM lib.bid WHERE ctid = '(0,1)' AND bid = 'N30-6'), 1, 'the rows are now in the reverse physical order');

SELECT is(lib.snapshot(code), hits, code || ': the same evidence whatever the row order')
  FROM before ORDER BY code;

SELECT * FROM finish();
ROLLBACK;
