-- Rule library: the evidence of a hit is a function of the data only, never of
-- the plan, of the order in which partial aggregates are combined, or of the
-- physical order of the rows.  A closed alert whose rule fires again with the
-- same value and evidence is the same fact (no new alert); evidence that
-- changes with the plan would raise a spurious recurrence.
--
-- Every rule whose evidence holds a list, a pick among ties or a float is run
-- over data with ties planted on purpose (two paths through the same people by
-- relations of different kinds, bids of equal amounts and times, contracts
-- signed on one day, amounts whose float sums depend on the order of
-- addition) under several plans (hash aggregation off, sorts off, nested loops
-- only, parallel with every partial aggregate in the workers), then again
-- after the rows of every table are reloaded in the reverse order; the hits
-- (subject, period, value, threshold, evidence) must be the same set every time.
BEGIN;
SELECT plan(28);
SET client_min_messages = warning;
SET LOCAL max_parallel_workers_per_gather = 0;
-- a disabled plan node costs 1e10, past jit_above_cost: compiling every query
-- would take most of the suite's time and changes no result
SET LOCAL jit = off;

CREATE SCHEMA lib;
-- The rule's hits as one jsonb value: the multiset of (subject, period, value,
-- threshold, evidence), in the order of its own text (so a set comparison).
CREATE FUNCTION lib.snapshot(code text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE j jsonb;
BEGIN
  EXECUTE 'SELECT jsonb_agg(x.j ORDER BY x.j::text) FROM (SELECT jsonb_build_array((h).subject_key, (h).period, (h).value, '
          || '(h).threshold, (h).evidence) AS j FROM (' || cleangov.rule_sql(code) || ') q) x' INTO j;
  RETURN j;
END $$;
-- The plans: settings applied for one snapshot, then put back.
CREATE TABLE lib.plan (name text PRIMARY KEY, settings jsonb);
INSERT INTO lib.plan VALUES
  ('default', '{}'),
  ('no hash aggregation', '{"enable_hashagg": "off"}'),
  ('no sorts', '{"enable_sort": "off"}'),
  ('nested loops only', '{"enable_hashjoin": "off", "enable_mergejoin": "off", "enable_hashagg": "off"}'),
  ('parallel', '{"max_parallel_workers_per_gather": "4", "parallel_setup_cost": "0", "parallel_tuple_cost": "0",
                 "min_parallel_table_scan_size": "0", "min_parallel_index_scan_size": "0",
                 "enable_hashagg": "off"}'),
  ('parallel, hashed', '{"max_parallel_workers_per_gather": "4", "parallel_setup_cost": "0", "parallel_tuple_cost": "0",
                         "min_parallel_table_scan_size": "0", "min_parallel_index_scan_size": "0"}');
CREATE FUNCTION lib.snapshot(code text, plan text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  s record;
  old jsonb := '{}';
  j jsonb;
BEGIN
  FOR s IN SELECT e.key, e.value FROM lib.plan p, jsonb_each_text(p.settings) e WHERE p.name = plan LOOP
    old := old || jsonb_build_object(s.key, current_setting(s.key));
    PERFORM set_config(s.key, s.value, true);
  END LOOP;
  j := lib.snapshot(code);
  FOR s IN SELECT e.key, e.value FROM jsonb_each_text(old) e LOOP
    PERFORM set_config(s.key, s.value, true);
  END LOOP;
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
CREATE TABLE lib.firm (eid text, address text, phone text, legal_rep_id text);
CREATE TABLE lib.contract (cid text, buyer text, supplier text, amount numeric, signed timestamptz, method text, item text);
CREATE TABLE lib.change (chid text, cid text, at timestamptz, kind text);
CREATE TABLE lib.steps (id text, case_id text, step text, seq int, at timestamptz);
CREATE TABLE lib.person (pid text, nm text, idno text, unit text, official boolean, tel text);
CREATE TABLE lib.relation (a text, b text, kind text);
CREATE TABLE lib.resp (pid text, dom text);
CREATE TABLE lib.subsidy (pay_id text, prog text, idno text, amount numeric);
CREATE TABLE lib.expense (eid text, unit text, amount numeric, paid timestamptz);
CREATE TABLE lib.penalty (pid text, vtype text, amount numeric);
CREATE TABLE lib.filing (fid text, pname text, applicant text, filed timestamptz);
SELECT cleangov.bind('tender', 'lib.tender', '{"tender_id": "tid", "buyer_id": "method", "period_end": "p_end"}');
SELECT cleangov.bind('bid', 'lib.bid', '{"bid_id": "bid", "tender_id": "tid", "bidder_id": "firm", "submitted_at": "at"}');
SELECT cleangov.bind('award', 'lib.award', '{"award_id": "aid", "tender_id": "tid", "supplier_id": "firm"}');
SELECT cleangov.bind('enterprise', 'lib.firm', '{"enterprise_id": "eid"}');
CREATE TABLE lib.party (tender_id text, party_id text, roles text, street_address text, telephone text);
SELECT cleangov.bind('party', 'lib.party');
CREATE TABLE lib.member (of_kind text, of_id text, member_id text);
SELECT cleangov.bind('consortium_member', 'lib.member');
SELECT cleangov.bind('contract', 'lib.contract', '{"contract_id": "cid", "buyer_id": "buyer", "supplier_id": "supplier", "signed_at": "signed",
                                                  "item_class": "item", "unit_code": "buyer"}');
SELECT cleangov.bind('contract_change', 'lib.change', '{"change_id": "chid", "contract_id": "cid", "changed_at": "at"}');
SELECT cleangov.bind('approval_step', 'lib.steps', '{"step_id": "id", "expected_seq": "seq", "done_at": "at"}');
SELECT cleangov.bind('person', 'lib.person', '{"person_id": "pid", "name": "nm", "id_number": "idno", "unit_code": "unit",
                                              "is_official": "official", "phone": "tel"}');
SELECT cleangov.bind('relation', 'lib.relation', '{"from_id": "a", "to_id": "b"}');
SELECT cleangov.bind('responsibility', 'lib.resp', '{"person_id": "pid", "domain": "dom"}');
SELECT cleangov.bind('subsidy_payment', 'lib.subsidy', '{"payment_id": "pay_id", "programme": "prog", "recipient_id": "idno"}');
SELECT cleangov.bind('expense', 'lib.expense', '{"expense_id": "eid", "unit_code": "unit", "category": "unit", "paid_at": "paid"}');
SELECT cleangov.bind('penalty', 'lib.penalty', '{"penalty_id": "pid", "violation_type": "vtype", "unit_code": "vtype"}');
SELECT cleangov.bind('project_filing', 'lib.filing', '{"filing_id": "fid", "project_name": "pname", "applicant_id": "applicant",
                                                       "filed_at": "filed"}');

-- Procurement -----------------------------------------------------------------
INSERT INTO lib.tender VALUES ('T1', 'open', '2024-03-01 10:00'), ('T2', 'open', '2024-03-01 10:00'), ('T3', 'open', '2024-03-01 10:00'),
                              ('X1', 'open', '2024-03-01 10:00'), ('T4', 'open', '2024-03-01 10:00');
INSERT INTO lib.tender SELECT 'N' || i, 'open', '2024-03-01 10:00' FROM generate_series(1, 30) i;
INSERT INTO lib.bid VALUES
  -- T1: E1 and E2 share a phone, E2 and E3 an address (two findings in one list)
  ('1', 'T1', 'E1', 100, NULL, 'valid'), ('2', 'T1', 'E2', 110, NULL, 'valid'), ('3', 'T1', 'E3', 120, NULL, 'valid'),
  -- T2: two awarded suppliers both one hour late (a tie for the evidence's bidder)
  ('4', 'T2', 'E4', 100, '2024-03-01 11:00', 'valid'), ('5', 'T2', 'E5', 100, '2024-03-01 11:00', 'valid'),
  -- T3: two disqualified bids tie for the lowest
  ('6', 'T3', 'E4', 90, NULL, 'disqualified'), ('7', 'T3', 'E5', 90, NULL, 'disqualified'), ('8', 'T3', 'E6', 100, NULL, 'valid'),
  -- X1: a heavily discounted winner (R058)
  ('9', 'X1', 'F1', 100, NULL, 'valid'), ('10', 'X1', 'F2', 300, NULL, 'valid'),
  -- T4: a second bid 0.05 % above the winner's, by two tenderers (a tie for R024's second bidder)
  ('13', 'T4', 'F1', 100, NULL, 'valid'), ('14', 'T4', 'F2', 100.05, NULL, 'valid'), ('15', 'T4', 'F3', 100.05, NULL, 'valid');
-- 30 ordinary tenders of 6 bids in fen (so the screens' float sums depend on
-- the order of addition) and one with bunched cover bids, for the screens;
-- each awarded to its lowest bidder (R024, R058).
INSERT INTO lib.bid SELECT 'N' || i || '-' || k, 'N' || i, 'F' || k,
                           900 + ((i * i * 131 + k * k * k * 71 + i * k * 17) % 200) + ((i * 37 + k * 53) % 100) / 100.0, NULL, 'valid'
  FROM generate_series(1, 30) i, generate_series(1, 6) k;
UPDATE lib.bid SET amount = CASE firm WHEN 'F1' THEN 1000.01 ELSE 1078.03 + right(firm, 1)::int / 10.0 END WHERE tid = 'N30';
INSERT INTO lib.award VALUES ('a1', 'T2', 'E4'), ('a2', 'T2', 'E5'), ('a3', 'T3', 'E6'), ('a4', 'X1', 'F1'), ('a5', 'T4', 'F1');
INSERT INTO lib.award SELECT DISTINCT ON (tid) 'a' || tid, tid, firm FROM lib.bid WHERE tid LIKE 'N%' ORDER BY tid, amount, firm;
INSERT INTO lib.firm VALUES ('E1', '黄河路1号', '0516-9', NULL), ('E2', '黄河路2号', '0516-9', NULL), ('E3', '黄河路2号', '0516-3', NULL);
-- the same three as T1's parties (R044: a shared telephone, a shared street address)
INSERT INTO lib.party VALUES ('T1', 'E1', 'tenderer', '黄河路1号', '0516-9'), ('T1', 'E2', 'tenderer', '黄河路2号', '0516-9'),
                             ('T1', 'E3', 'supplier,tenderer', '黄河路2号', '0516-3');
-- split purchase: two 90-day windows with the same total (a tie for the
-- evidence's contracts); direct awards, two of them signed the same day (R055)
INSERT INTO lib.contract VALUES ('K1', 'B1', 'S1', 300000, '2024-01-01', 'direct', NULL), ('K2', 'B1', 'S1', 300000, '2024-02-20', 'direct', NULL),
                                ('K3', 'B1', 'S1', 300000, '2024-04-10', 'direct', NULL), ('K4', 'B1', 'S1', 300000, '2024-12-01', 'direct', NULL),
                                ('K5', 'B1', 'S1', 10, '2024-12-01', 'direct', NULL);
-- frequent changes: four changes of one contract on one day
INSERT INTO lib.change VALUES ('1', 'K1', '2024-06-01', 'amount'), ('2', 'K1', '2024-06-01', 'scope'),
                              ('3', 'K1', '2024-06-01', 'duration'), ('4', 'K1', '2024-06-01', 'supplier_info');

-- Approvals, enforcement, funds ---------------------------------------------
-- out of order: building and paying both five days before the approval
INSERT INTO lib.steps VALUES ('1', 'O1', 'approve', 4, '2024-03-10'), ('2', 'O1', 'build_start', 5, '2024-03-05'),
                             ('3', 'O1', 'pay', 6, '2024-03-05');
-- discretion: twelve penalties of one type in fen, and one far off
INSERT INTO lib.penalty SELECT 'P' || i, 'v1', 1000 + i * 10.07 FROM generate_series(1, 12) i;
INSERT INTO lib.penalty VALUES ('P99', 'v1', 98765.43);
-- Benford: 150 payments of one unit, all with a leading 9
INSERT INTO lib.expense SELECT 'X' || i, 'U1', 900 + i * 0.37, '2024-01-01' FROM generate_series(1, 150) i;
-- duplicate filings: three of one project by one applicant, two on the same day
INSERT INTO lib.filing VALUES ('D1', '道路 改造', 'A1', '2024-01-01'), ('D2', '道路改造', 'A1', '2024-01-01'), ('D3', '道路改造 ', 'A1', '2024-02-01');

-- Relations ------------------------------------------------------------------
-- official 1 (unit U1, area 45); spouse 2 and child 3; 2 is both legal
-- representative and shareholder of E7 (two paths through the same people,
-- of different kinds), 3 a director of E7 (a path of the same length through
-- another person); 4 is another official whose spouse is 2 as well.
INSERT INTO lib.person VALUES
  ('1', '张伟', '320382197001010014', 'U1', true, '13900000001'),
  ('2', '李娜', '320382197202020024', NULL, false, '13900000002'),
  ('3', '张强', '320382199503030112', NULL, false, '13900000003'),
  ('4', '王军', '320382196807070513', 'U2', true, '13900000004'),
  ('20', '王五', '320382198511110917', NULL, false, '13900000020'),
  ('21', '赵六', '320382198511110917', NULL, false, '13900000021'),
  ('22', '钱七', '320382198511110917', NULL, false, '13900000022');
INSERT INTO lib.relation VALUES ('1', '2', 'spouse'), ('1', '3', 'child'), ('4', '2', 'spouse'),
                                ('2', 'E7', 'legal_rep'), ('2', 'E7', 'shareholder'), ('3', 'E7', 'director'),
                                ('2', 'E8', 'shareholder'), ('2', 'E8', 'legal_rep');
INSERT INTO lib.resp VALUES ('1', '45'), ('1', '46'), ('4', '45');
-- E7's contracts: amounts whose float sum depends on the order of addition
INSERT INTO lib.contract VALUES ('C1', 'U1', 'E7', 0.1, '2024-05-01', NULL, '4501'), ('C2', 'U1', 'E7', 0.2, '2024-05-01', NULL, '4502'),
                                ('C3', 'U1', 'E7', 0.3, '2024-05-01', NULL, '4601'), ('C4', 'U2', 'E8', 0.7, '2024-05-01', NULL, '4501'),
                                ('C5', 'U2', 'E8', 1e-17, '2024-05-01', NULL, '4502');
-- subsidies to the spouse of two officials, in two programmes
INSERT INTO lib.subsidy VALUES ('s1', 'dibao', '320382197202020024', 0.1), ('s2', 'fuel', '320382197202020024', 0.2),
                               ('s3', 'dibao', '320382197202020024', 0.3);
-- related bidders: E7 and E8 share their legal representative (2) in T1
INSERT INTO lib.bid VALUES ('11', 'T1', 'E7', 130, NULL, 'valid'), ('12', 'T1', 'E8', 140, NULL, 'valid');

-- R024 with a fixed threshold of 0.1 %: T4 fires, its tied second bidders give one name
UPDATE cleangov.rule SET thresholds = thresholds || '{"threshold": 0.001}' WHERE rule_code = 'R024';
-- min_ratio 0.3: both officials fire (0.6 and 0.4)
UPDATE cleangov.rule SET thresholds = thresholds || '{"min_ratio": 0.3}' WHERE rule_code = 'REL_RELATIVE_SUPPLIER_OVERLAP';

-- The rules whose evidence holds a list, a pick among ties or a float.
CREATE TEMP TABLE covered (code text PRIMARY KEY);
INSERT INTO covered VALUES ('R024'), ('R028'), ('R030'), ('R036'), ('R044'), ('PROC_SHARED_CONTACTS'), ('PROC_DIRECT_AWARDS_CUMULATIVE'), ('R058'),
  ('PROC_CLOSE_SECOND_BID'), ('PROC_DISCOUNTED_WINNER'),
  ('PROC_BID_RIGGING_SCREEN'), ('PROC_SPLIT_PURCHASE'), ('PROC_FREQUENT_CHANGES'), ('PROC_BUYER_DEPENDENCE'),
  ('APPR_OUT_OF_ORDER'), ('ENF_DISCRETION_OUTLIER'), ('FUND_BENFORD'), ('FUND_DUPLICATE_FILING'),
  ('REL_FAVOURING_RELATIVES'), ('REL_RELATIVE_SUPPLIER_OVERLAP'), ('REL_RELATED_BIDDERS'), ('ID_MULTIPLE_IDENTITIES');
-- The other set rules, and why their evidence cannot depend on the plan:
CREATE TEMP TABLE exempt (code text PRIMARY KEY, why text NOT NULL);
INSERT INTO exempt VALUES
  ('PROC_SINGLE_BIDDER', 'a count and a min() of one bidder: no list, no tie'),
  ('R055', 'sums in numeric, lists ordered by supplier, buyer and procuring entity keys; reads award amounts and dates this file does not bind'),
  ('R035', 'counts and min() / max(): no list, no tie'),
  ('R025', 'counts and percentiles (sort-based, rounded): hard to plant with a fence that fires; see R024 and R058 for the same percentiles'),
  ('R038', 'counts and percentiles (sort-based, rounded): as R025'),
  ('R048', 'counts and percentiles (sort-based, rounded): as R025'),
  ('FUND_THREE_PUBLIC_OVER_BUDGET', 'one budget line per hit, numeric arithmetic'),
  ('FUND_LAND_FEE_LOW', 'one collection row per hit, numeric arithmetic'),
  ('PROJ_ROTATION_MATCH', 'counts and a numeric mean (exact in any order), the p-value a function of them: no list, no tie; tested in 88_rotation.sql');
SELECT is(ARRAY(SELECT d.rule_code FROM cleangov.rule_definition d
                 WHERE d.kind = 'set' AND d.rule_code NOT IN (SELECT code FROM covered) AND d.rule_code NOT IN (SELECT code FROM exempt)
                 ORDER BY 1), '{}', 'every set rule of the library is covered here or exempt with a reason');

CREATE TEMP TABLE before AS SELECT code, lib.snapshot(code) AS hits FROM covered;
SELECT is(ARRAY(SELECT code FROM before WHERE hits IS NULL ORDER BY 1), '{}', 'every covered rule has hits to compare');

-- every plan, before and after the rows are reversed
CREATE TEMP TABLE variant (code text, variant text, hits jsonb);
INSERT INTO variant SELECT c.code, p.name, lib.snapshot(c.code, p.name) FROM covered c, lib.plan p;
SELECT lib.reverse(t) FROM unnest(ARRAY['lib.tender', 'lib.bid', 'lib.award', 'lib.firm', 'lib.contract', 'lib.change', 'lib.steps',
                                        'lib.person', 'lib.relation', 'lib.resp', 'lib.subsidy', 'lib.expense', 'lib.penalty',
                                        'lib.filing']::regclass[]) t;
SELECT is((SELECT count(*)::int FROM lib.bid WHERE ctid = '(0,1)' AND bid = '12'), 1, 'the rows are now in the reverse physical order');
INSERT INTO variant SELECT c.code, 'reversed, ' || p.name, lib.snapshot(c.code, p.name) FROM covered c, lib.plan p;

SELECT is(ARRAY(SELECT v.variant FROM variant v WHERE v.code = b.code AND v.hits IS DISTINCT FROM b.hits ORDER BY v.variant), '{}',
          b.code || ': the same hits and evidence under every plan and row order')
  FROM before b ORDER BY b.code;

-- what the planted ties and floats became
SELECT is((SELECT hits -> 0 -> 4 -> 'paths' FROM before WHERE code = 'REL_RELATIVE_SUPPLIER_OVERLAP'),
          '[{"enterprise_id": "E7", "nodes": ["person:1", "person:2", "enterprise:E7"], "kinds": ["spouse", "legal_rep"]},
            {"enterprise_id": "E8", "nodes": ["person:1", "person:2", "enterprise:E8"], "kinds": ["spouse", "legal_rep"]}]',
          'REL_RELATIVE_SUPPLIER_OVERLAP: of two paths through the same people, the one whose kinds sort first');
SELECT is((SELECT hits -> 0 -> 4 -> 'amount_inside' FROM before WHERE code = 'REL_RELATIVE_SUPPLIER_OVERLAP'), '0.6',
          'and its amounts are exact sums (0.1 + 0.2 + 0.3 = 0.6, not 0.6000000000000001)');
SELECT is((SELECT hits -> 0 -> 4 ->> 'cv' FROM before WHERE code = 'PROC_BID_RIGGING_SCREEN'), '0.0300510093226',
          'PROC_BID_RIGGING_SCREEN: the screens in evidence have 12 significant digits');
SELECT * FROM finish();
ROLLBACK;
