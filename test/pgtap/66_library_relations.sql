-- Rule library, relationships and identities: each of the four rules run by
-- cleangov.run() over small tables bound to the shapes, with a case that must
-- fire (value, level, subject, unit) and near-misses that must not.
BEGIN;
SELECT plan(26);
SET client_min_messages = warning;

CREATE SCHEMA lib;
CREATE TABLE lib.person (pid int, nm text, idno text, unit text, official boolean, paid boolean, tel text);
INSERT INTO lib.person VALUES
  (1,  '张伟', '320382197001010014', 'U1', true,  true,  '13900000001'),   -- official A (unit U1)
  (2,  '李娜', '320382197202020024', NULL, false, false, '13900000002'),   -- A's spouse
  (3,  '张建国', '320382194503030118', NULL, false, false, '13900000003'), -- spouse's sibling: two hops from A
  (4,  '刘洋', '320382198004040213', 'U3', false, true,  '13900000004'),   -- fiscally paid staff
  (5,  '陈静', '320382199005050311', NULL, false, false, '13900000005'),   -- nobody
  (7,  '杨军', '320382196807070513', 'U2', true,  false, '13900000007'),   -- official B (unit U2)
  (9,  '周敏', '320382196909090718', NULL, false, false, '13900000009'),   -- B's spouse
  (20, '王五', '320382198511110917', NULL, false, false, '13900000020'),
  (21, '赵六', '320382198511110917', NULL, false, false, '13900000021'),   -- same number, another name
  (22, '王五', '320382198511110917', NULL, false, false, '13900000022'),   -- same number, same name: a duplicate record
  (23, '孙七', '320382198005050130', NULL, false, false, '13900000023'),
  (24, '孙七', '110105198005050154', NULL, false, false, '13900000023'),   -- same person, another number
  (25, '孙七', '320311198005050178', NULL, false, false, '13900000025');   -- namesake with another phone
SELECT cleangov.bind('person', 'lib.person',
  '{"person_id": "pid", "name": "nm", "id_number": "idno", "unit_code": "unit", "is_official": "official",
    "fiscally_paid": "paid", "phone": "tel"}');

CREATE TABLE lib.relation (a text, b text, kind text, valid_from date, valid_to date);
INSERT INTO lib.relation VALUES
  ('1', '2', 'spouse', '1995-01-01', NULL),
  ('2', '3', 'sibling', '1975-01-01', NULL),
  ('2', 'E1', 'legal_rep', '2010-01-01', NULL),     -- A's spouse runs E1
  ('7', '9', 'spouse', '1990-01-01', NULL),
  ('9', 'E2', 'shareholder', '2012-01-01', NULL),   -- B's spouse owns E2
  ('5', 'E3', 'legal_rep', '2012-01-01', NULL),     -- E3 and E5 share a legal representative
  ('5', 'E5', 'legal_rep', '2012-01-01', NULL);
SELECT cleangov.bind('relation', 'lib.relation', '{"from_id": "a", "to_id": "b"}');
SELECT throws_ok($$SELECT cleangov.bind('relation', 'lib.person', '{"from_id": "pid", "to_id": "nm", "kind": "idno", "valid_from": "tel"}')$$,
                 '42804', NULL, 'relation.valid_from must be a date');

-- REL_FAVOURING_RELATIVES ----------------------------------------------------
CREATE TABLE lib.subsidy (pay_id text, prog text, idno text, amount numeric, paid date);
INSERT INTO lib.subsidy VALUES
  ('s1', 'dibao', '３２０３８２１９７２０２０２００２４', 600, '2024-01-05'),  -- spouse, full-width digits
  ('s2', 'dibao', '320382197202020024', 600, '2024-02-05'),                   -- spouse again
  ('s3', 'fuel', '320382198004040213', 200, '2024-01-09'),                    -- fiscally paid staff
  ('s4', 'dibao', '320382194503030118', 400, '2024-01-05'),                   -- two hops: not a relative
  ('s5', 'dibao', '320382199005050311', 400, '2024-01-05');                   -- nobody
SELECT cleangov.bind('subsidy_payment', 'lib.subsidy',
  '{"payment_id": "pay_id", "programme": "prog", "recipient_id": "idno", "paid_at": "paid"}');
SELECT is((SELECT hits FROM cleangov.run('REL_FAVOURING_RELATIVES')), 2, 'REL_FAVOURING_RELATIVES: two recipients');
SELECT results_eq($$SELECT subject_kind, subject_key, unit_code, value, level::text FROM cleangov.alert
                     WHERE rule_code = 'REL_FAVOURING_RELATIVES' ORDER BY subject_key$$,
                  $$VALUES ('person', '2', 'U1', 2::float8, 'yellow'), ('person', '4', 'U3', 1::float8, 'yellow')$$,
                  'the official''s spouse (2 payments, the official''s unit) and the fiscally paid staff member fire, yellow');
SELECT is((SELECT evidence -> 'reasons' -> 0 ->> 'official_id' FROM cleangov.alert
            WHERE rule_code = 'REL_FAVOURING_RELATIVES' AND subject_key = '2'), '1', 'the evidence names the official');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'REL_FAVOURING_RELATIVES' AND subject_key IN ('3', '5')), 0,
          'near-misses: the spouse''s sibling (two hops) and a person with no official relative do not fire');

-- REL_RELATIVE_SUPPLIER_OVERLAP ------------------------------------------------
CREATE TABLE lib.resp (pid int, dom text);
INSERT INTO lib.resp VALUES (1, '45'), (7, '33');
SELECT cleangov.bind('responsibility', 'lib.resp', '{"person_id": "pid", "domain": "dom"}');
CREATE TABLE lib.contract (cid text, buyer text, supplier text, amount numeric, item text);
-- E1 (A's spouse): 7 of 10 contracts from U1 in class 45: exactly 70 %.
INSERT INTO lib.contract SELECT 'a' || i, 'U1', 'E1', 1000, '45' || i FROM generate_series(1, 7) i;
INSERT INTO lib.contract VALUES ('a8', 'U1', 'E1', 1000, '33100'), ('a9', 'U9', 'E1', 1000, '45100'), ('a10', 'U9', 'E1', 1000, '30100');
-- E2 (B's spouse): 2 of 5 inside U2 / class 33.
INSERT INTO lib.contract VALUES ('b1', 'U2', 'E2', 1000, '33100'), ('b2', 'U2', 'E2', 1000, '33200'), ('b3', 'U2', 'E2', 1000, '45100'),
                                ('b4', 'U9', 'E2', 1000, '33100'), ('b5', 'U9', 'E2', 1000, '30100');
SELECT cleangov.bind('contract', 'lib.contract', '{"contract_id": "cid", "buyer_id": "buyer", "supplier_id": "supplier", "item_class": "item"}');
SELECT is((SELECT hits FROM cleangov.run('REL_RELATIVE_SUPPLIER_OVERLAP')), 1, 'REL_RELATIVE_SUPPLIER_OVERLAP: one official');
SELECT results_eq($$SELECT subject_kind, subject_key, value, threshold, level::text FROM cleangov.alert
                     WHERE rule_code = 'REL_RELATIVE_SUPPLIER_OVERLAP'$$,
                  $$VALUES ('person', '1', 0.7::float8, 0.7::float8, 'yellow')$$,
                  'an overlap of exactly 70 % fires (at or above 0.7), on the official');
SELECT is((SELECT evidence -> 'inside' FROM cleangov.alert WHERE rule_code = 'REL_RELATIVE_SUPPLIER_OVERLAP'),
          '["a1", "a2", "a3", "a4", "a5", "a6", "a7"]'::jsonb, 'the evidence lists the contracts inside the area');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'REL_RELATIVE_SUPPLIER_OVERLAP' AND subject_key = '7'), 0,
          'near-miss: 2 of 5 contracts inside (40 %) does not fire');
UPDATE cleangov.rule SET thresholds = thresholds || '{"min_ratio": 0.71}' WHERE rule_code = 'REL_RELATIVE_SUPPLIER_OVERLAP';
SELECT is((SELECT hits FROM cleangov.run('REL_RELATIVE_SUPPLIER_OVERLAP')), 0, 'with min_ratio 0.71 the 70 % case does not fire');
UPDATE cleangov.rule SET thresholds = thresholds || '{"min_ratio": 0.7, "as_of": "2000-01-01"}' WHERE rule_code = 'REL_RELATIVE_SUPPLIER_OVERLAP';
SELECT is((SELECT hits FROM cleangov.run('REL_RELATIVE_SUPPLIER_OVERLAP')), 0, 'as_of 2000: the spouse did not run E1 yet, nothing fires');

-- REL_RELATED_BIDDERS ----------------------------------------------------------
CREATE TABLE lib.tender (tid text, buyer text, method text, status text);
INSERT INTO lib.tender VALUES ('T1', 'U1', 'open', 'complete'), ('T2', 'U1', 'open', 'cancelled'),
                              ('T3', 'U2', 'open', 'complete'), ('T4', 'U2', 'open', 'complete');
SELECT cleangov.bind('tender', 'lib.tender', '{"tender_id": "tid", "buyer_id": "buyer", "unit_code": "buyer"}');
CREATE TABLE lib.bid (bid text, tid text, firm text, price numeric, status text);
INSERT INTO lib.bid VALUES ('1', 'T1', 'E3', 100, 'valid'), ('2', 'T1', 'E5', 101, 'valid'), ('3', 'T1', 'E1', 102, 'valid'),
                           ('4', 'T2', 'E3', 100, 'valid'), ('5', 'T2', 'E5', 101, 'valid'),
                           ('6', 'T3', 'E1', 100, 'valid'), ('7', 'T3', 'E2', 101, 'valid'),
                           ('8', 'T4', 'E4', 100, 'valid'), ('9', 'T4', 'E6', 101, 'withdrawn');
SELECT cleangov.bind('bid', 'lib.bid', '{"bid_id": "bid", "tender_id": "tid", "bidder_id": "firm", "amount": "price"}');
CREATE TABLE lib.firm (eid text, name text, address text, phone text);
INSERT INTO lib.firm VALUES ('E1', 'a', '徐州市铜山区黄河路1号', '0516-80000001'), ('E2', 'b', '徐州市铜山区黄河路2号', '0516-80000002'),
                            ('E3', 'c', '徐州市铜山区黄河路3号', '0516-80000003'), ('E4', 'd', '徐州市铜山区黄河路4号', '0516-80000004'),
                            ('E5', 'e', '徐州市铜山区黄河路5号', '0516-80000005'), ('E6', 'f', '徐州市铜山区黄河路6号', '0516 8000 0004');
SELECT cleangov.bind('enterprise', 'lib.firm', '{"enterprise_id": "eid"}');
SELECT is((SELECT hits FROM cleangov.run('REL_RELATED_BIDDERS')), 1, 'REL_RELATED_BIDDERS: one tender');
SELECT results_eq($$SELECT subject_kind, subject_key, unit_code, value, level::text FROM cleangov.alert WHERE rule_code = 'REL_RELATED_BIDDERS'$$,
                  $$VALUES ('tender', 'T1', 'U1', 1::float8, 'red')$$,
                  'T1: E3 and E5 share a legal representative; one pair, the buyer''s unit, red');
SELECT is((SELECT evidence -> 'links' -> 0 FROM cleangov.alert WHERE rule_code = 'REL_RELATED_BIDDERS'),
          '{"bidders": ["E3", "E5"], "link": "person", "person_id": "5"}'::jsonb, 'the evidence names the pair and the shared person');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'REL_RELATED_BIDDERS' AND subject_key IN ('T2', 'T3', 'T4')), 0,
          'near-misses: the same pair in a cancelled tender, unrelated bidders, a shared phone with a withdrawn bid');
UPDATE lib.bid SET status = 'valid' WHERE bid = '9';
SELECT is((SELECT hits FROM cleangov.run('REL_RELATED_BIDDERS')), 2, 'once the withdrawn bid stands, two tenders');
SELECT set_eq($$SELECT subject_key, evidence #>> '{links,0,link}' FROM cleangov.alert WHERE rule_code = 'REL_RELATED_BIDDERS'$$,
              $$VALUES ('T1', 'person'), ('T4', 'phone')$$, 'T4: E4 and E6 share a phone written two ways');

-- ID_MULTIPLE_IDENTITIES ----------------------------------------------------
SELECT is((SELECT hits FROM cleangov.run('ID_MULTIPLE_IDENTITIES')), 2, 'ID_MULTIPLE_IDENTITIES: two later records');
SELECT results_eq($$SELECT subject_key, value, level::text, evidence #>> '{findings,0,variant}' FROM cleangov.alert
                     WHERE rule_code = 'ID_MULTIPLE_IDENTITIES' ORDER BY subject_key$$,
                  $$VALUES ('21', 1::float8, 'yellow', 'same identity number, another name'),
                           ('24', 1::float8, 'yellow', 'same person, another identity number')$$,
                  'the later record fires: one number under another name, one person (name, sex, birth date, phone) under another number');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'ID_MULTIPLE_IDENTITIES' AND subject_key IN ('20', '22', '23', '25')), 0,
          'near-misses: the first record, a duplicate record under the same name, a namesake with another phone');

-- the engine's view of the four rules ---------------------------------------
SELECT set_eq($$SELECT rule_code, reads FROM cleangov.rule_definition WHERE rule_code ~ '^(REL|ID)_'$$,
              $$VALUES ('REL_FAVOURING_RELATIVES', '{person,relation,subsidy_payment}'::text[]),
                       ('REL_RELATIVE_SUPPLIER_OVERLAP', '{contract,person,relation,responsibility}'),
                       ('REL_RELATED_BIDDERS', '{bid,enterprise,relation,tender}'),
                       ('ID_MULTIPLE_IDENTITIES', '{person}')$$,
              'each rule reads the shapes its detection function is given');
SELECT is((SELECT count(*)::int FROM cleangov.run(domain => 'subsidies') WHERE raised = 0 AND status = 'ok'), 1,
          'a second run raises nothing new');
SELECT cleangov.unbind('subsidy_payment');
SELECT is((SELECT status FROM cleangov.run('REL_FAVOURING_RELATIVES')), 'skipped', 'with a shape unbound the rule is skipped');
SELECT is((SELECT hits FROM cleangov.run('ID_MULTIPLE_IDENTITIES')), 2, 'and the others still run');
SELECT is((SELECT count(*)::int FROM cleangov.rule WHERE rule_code ~ '^(REL|ID)_' AND name_zh IS NOT NULL AND domain IS NOT NULL), 4,
          'the four rules have Chinese names and domains');

-- Every alert carries its threshold, in the unit of its value (issue 12):
-- over every alert the rules above raised on these fixtures.
SELECT is((SELECT array_agg(DISTINCT rule_code ORDER BY rule_code) FROM cleangov.alert WHERE threshold IS NULL), NULL,
          'every alert raised here carries its threshold');

SELECT * FROM finish();
ROLLBACK;
