-- Relations: the bounded path search and the detection of the relationship
-- rules, on a small hand-made world whose answers are counted by hand.
BEGIN;
SELECT plan(29);

CREATE TEMP TABLE person (person_id text, name text, id_number text, unit_code text,
                          is_official boolean, fiscally_paid boolean, phone text);
INSERT INTO person VALUES
  ('1',  '张伟', '320382197001010014', 'U1', true,  true,  '13900000001'),   -- official A
  ('2',  '李娜', '320382197202020024', NULL, false, false, '13900000002'),   -- A's spouse
  ('3',  '张建国', '320382194503030118', NULL, false, false, NULL),         -- A's parent (stored as: A is child of 3)
  ('4',  '刘洋', '320382198004040213', 'U3', false, true,  NULL),          -- fiscally paid staff
  ('5',  '陈静', '320382199005050311', NULL, false, false, NULL),          -- nobody
  ('6',  '李强', '320382197506060412', NULL, false, false, NULL),          -- spouse's sibling, and A's in-law
  ('7',  '杨军', '320382196807070513', 'U2', true,  false, NULL),          -- official B
  ('8',  '杨帆', '320382199508080619', NULL, false, false, NULL),          -- B's child, relation ended 2020
  ('9',  '周敏', '320382196909090718', NULL, false, false, NULL),          -- B's spouse
  ('10', '吴刚', '320382196010100818', NULL, false, false, NULL),          -- co-shareholder of E1
  ('20', '王五', '320382198511110917', NULL, false, false, NULL),
  ('21', '赵六', '320382198511110917', NULL, false, false, NULL),          -- same number, another name
  ('22', '王五', '３２０３８２１９８５１１１１０９１７', NULL, false, false, NULL), -- same person again: a duplicate record
  ('23', '孙七', '320382198005050130', NULL, false, false, '139-0000-0023'),
  ('24', '孙 七', '110105198005050154', NULL, false, false, '13900000023'), -- same person, another number
  ('25', '孙七', '320311198005050178', NULL, false, false, '13900000025'); -- namesake, other phone

CREATE TEMP TABLE relation (from_id text, to_id text, kind text, valid_from date, valid_to date);
INSERT INTO relation VALUES
  ('1', '2', 'spouse', '1995-01-01', NULL),
  ('3', '1', 'child', '1970-01-01', NULL),
  ('2', '6', 'sibling', '1975-06-06', NULL),
  ('6', '1', 'in_law', '1995-01-01', NULL),
  ('2', 'E1', 'legal_rep', '2010-01-01', NULL),
  ('10', 'E1', 'shareholder', '2010-01-01', NULL),
  ('7', '9', 'spouse', '1990-01-01', NULL),
  ('9', 'E2', 'shareholder', '2012-01-01', NULL),
  ('7', '8', 'child', '1995-08-08', '2020-01-01'),
  ('8', 'E6', 'legal_rep', '2015-01-01', NULL),
  ('7', 'E3', 'legal_rep', '2012-01-01', NULL),
  ('1', 'X', 'friend', NULL, NULL);                                       -- unknown kind: ignored

-- ---------------------------------------------------------------------------
-- relation_paths: hand-counted simple paths from person 1
-- 1 hop: 2, 3, 6.  2 hops: 1-2-6, 1-2-E1, 1-6-2.  3 hops: 1-2-E1-10, 1-6-2-E1.
-- ---------------------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM cleangov.relation_paths('relation', ARRAY['1'], 1)), 3, '1 hop from person 1: 3 paths');
SELECT is((SELECT count(*)::int FROM cleangov.relation_paths('relation', ARRAY['1'], 2)), 6, 'up to 2 hops: 6 paths');
SELECT is((SELECT count(*)::int FROM cleangov.relation_paths('relation', ARRAY['1'], 3)), 8, 'up to 3 hops: 8 paths (the triangle 1-2-6 is not walked round)');
SELECT is((SELECT count(*)::int FROM cleangov.relation_paths('relation', ARRAY['1'], 6)
            WHERE cardinality(nodes) <> (SELECT count(DISTINCT n) FROM unnest(nodes) n)), 0, 'no path visits a node twice');
SELECT is((SELECT array_agg(target_id ORDER BY target_id) FROM cleangov.relation_paths('relation', ARRAY['1'], 3) WHERE target_type = 'enterprise'),
          ARRAY['E1', 'E1'], 'E1 is reached by two paths, and no other enterprise within 3 hops');
SELECT is((SELECT nodes FROM cleangov.relation_paths('relation', ARRAY['1'], 3) WHERE hops = 3 AND target_id = '10'),
          ARRAY['person:1', 'person:2', 'enterprise:E1', 'person:10'], 'the path is returned as evidence');
SELECT is((SELECT path_kinds FROM cleangov.relation_paths('relation', ARRAY['1'], 3) WHERE hops = 3 AND target_id = '10'),
          ARRAY['spouse', 'legal_rep', 'shareholder'], 'with the kind of each step');
SELECT is((SELECT array_agg(target_id ORDER BY target_id) FROM cleangov.relation_paths('relation', ARRAY['7'], 2)),
          ARRAY['8', '9', 'E2', 'E3', 'E6'], 'person 7 without a date: relations ended in 2020 still count');
SELECT is((SELECT array_agg(target_id ORDER BY target_id) FROM cleangov.relation_paths('relation', ARRAY['7'], 2, date '2024-01-01')),
          ARRAY['9', 'E2', 'E3'], 'as of 2024 the child relation (ended 2020) is not walked');
SELECT is((SELECT array_agg(DISTINCT source_id ORDER BY source_id) FROM cleangov.relation_paths('relation', ARRAY['1', '7', NULL, '1'], 1)),
          ARRAY['1', '7'], 'set-based: many sources at once, NULLs and repeats ignored');
SELECT is((SELECT array_agg(target_id ORDER BY target_id) FROM cleangov.relation_paths('relation', ARRAY['1'], 2, NULL, ARRAY['spouse', 'legal_rep'])),
          ARRAY['2', 'E1'], 'kinds restrict the walk');
SELECT throws_ok($$SELECT * FROM cleangov.relation_paths('relation', ARRAY['1'], 0)$$, '22023', 'max_hops must be between 1 and 6, not 0', 'max_hops 0: 22023');
SELECT throws_ok($$SELECT * FROM cleangov.relation_paths('relation', ARRAY['1'], 7)$$, '22023', 'max_hops must be between 1 and 6, not 7', 'max_hops 7: 22023');
SELECT throws_ok($$SELECT * FROM cleangov.relation_paths('relation', ARRAY['1'], 2, NULL, ARRAY['cousin'])$$, '22023', 'unknown relation kind(s): cousin', 'unknown kind: 22023');
SELECT throws_ok($$SELECT * FROM cleangov.relation_paths('person', ARRAY['1'], 2)$$, '42703', 'person lacks column(s) from_id, to_id, kind of the relation shape', 'not a relation table: 42703');

-- ---------------------------------------------------------------------------
-- REL_FAVOURING_RELATIVES
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE subsidy (payment_id text, programme text, recipient_id text, amount numeric);
INSERT INTO subsidy VALUES
  ('s1', 'dibao', '320382197001010014', 500), ('s2', 'dibao', ' 320382197001010014', 500),  -- official
  ('s3', 'dibao', '３２０３８２１９７２０２０２００２４', 600),                                -- spouse, full-width
  ('s4', 'farmland', '320382194503030118', 300),                                           -- parent
  ('s5', 'fuel', '320382198004040213', 200),                                               -- fiscally paid staff
  ('s6', 'dibao', '320382199005050311', 400),                                              -- nobody
  ('s7', 'dibao', '320382197506060412', 400),                                              -- in-law (also the spouse's sibling)
  ('s10', 'dibao', '320382196010100818', 400),                                             -- co-shareholder of the spouse's firm: not kin
  ('s8', 'dibao', '320382199508080619', 400),                                              -- relation ended 2020
  ('s9', 'dibao', 'garbage', 400);
SELECT is((SELECT array_agg(subject_key ORDER BY subject_key) FROM cleangov.detect_favouring_relatives('person', 'relation', 'subsidy', date '2024-01-01')),
          ARRAY['1', '2', '3', '4', '6'], 'favouring relatives as of 2024: the official, spouse, parent, staff, in-law; not the business partner');
SELECT is((SELECT array_agg(subject_key ORDER BY subject_key) FROM cleangov.detect_favouring_relatives('person', 'relation', 'subsidy')),
          ARRAY['1', '2', '3', '4', '6', '8'], 'without a date the former child relation counts too');
SELECT is((SELECT value FROM cleangov.detect_favouring_relatives('person', 'relation', 'subsidy') WHERE subject_key = '1'),
          2::float8, 'value = number of payments (a blank-padded number still matches)');
SELECT is((SELECT evidence->'reasons' FROM cleangov.detect_favouring_relatives('person', 'relation', 'subsidy') WHERE subject_key = '3'),
          '[{"why": "relative", "relation": "child", "official_id": "1"}]'::jsonb, 'evidence names the official and the relation');
SELECT is((SELECT ARRAY[rule_code, subject_kind, unit_code, source_table] FROM cleangov.detect_favouring_relatives('person', 'relation', 'subsidy') WHERE subject_key = '2'),
          ARRAY['REL_FAVOURING_RELATIVES', 'person', 'U1', 'subsidy'], 'a relative''s hit belongs to the official''s unit');

-- ---------------------------------------------------------------------------
-- REL_RELATIVE_SUPPLIER_OVERLAP: E1 (spouse of official 1) wins 4 of 5 inside
-- U1 and domains 45/79; E2 (spouse of official 7) 2 of 5 inside U2 and 33;
-- E3 is official 7's own firm (no kinship first step: not counted).
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE responsibility (person_id text, domain text);
INSERT INTO responsibility VALUES ('1', '45'), ('1', '79'), ('7', '33');
CREATE TEMP TABLE contract (contract_id text, buyer_id text, supplier_id text, item_class text, amount numeric);
INSERT INTO contract VALUES
  ('c1', 'U1', 'E1', '4521', 100), ('c2', 'U1', 'E1', '7911', 100), ('c3', 'U1', 'E1', '4533', 100),
  ('c4', 'U9', 'E1', '4500', 100), ('c5', 'U1', 'E1', '4500', 100),
  ('c6', 'U2', 'E2', '3312', 100), ('c7', 'U2', 'E2', '3300', 100), ('c8', 'U2', 'E2', '4500', 100),
  ('c9', 'U8', 'E2', '3312', 100), ('c10', 'U8', 'E2', '3312', 100),
  ('c11', 'U2', 'E3', '3312', 100);
SELECT is((SELECT array_agg(subject_key || '=' || value ORDER BY subject_key)
             FROM cleangov.detect_relative_supplier_overlap('person', 'relation', 'responsibility', 'contract')),
          ARRAY['1=0.8'], 'overlap: official 1 at 80 % is a hit, official 7 at 40 % is not');
SELECT is((SELECT array_agg(subject_key || '=' || value ORDER BY subject_key)
             FROM cleangov.detect_relative_supplier_overlap('person', 'relation', 'responsibility', 'contract', 0.4)),
          ARRAY['1=0.8', '7=0.4'], 'at min_ratio 0.4 both; E3 (own firm) is not among 7''s contracts');
SELECT is((SELECT evidence->'outside' FROM cleangov.detect_relative_supplier_overlap('person', 'relation', 'responsibility', 'contract')),
          '["c4"]'::jsonb, 'evidence lists the contract outside the unit');
SELECT throws_ok($$SELECT * FROM cleangov.detect_relative_supplier_overlap('person', 'relation', 'responsibility', 'contract', 1.5)$$,
          '22023', 'min_ratio must be in (0, 1], not 1.5', 'min_ratio 1.5: 22023');

-- ---------------------------------------------------------------------------
-- REL_RELATED_BIDDERS
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE enterprise (enterprise_id text, legal_rep_id text, address text, phone text);
INSERT INTO enterprise VALUES
  ('E1', '2', '徐州市鼓楼区中山北路1号', '0516-8000001'),
  ('E2', '30', '徐州市泉山区湖北路2号', '+86 138-0000-1111'),
  ('E3', '7', '徐州市铜山区北京路3号', '13800001111'),
  ('E4', '2', '徐州市贾汪区建设路4号', '0516-8000004'),
  ('E5', '31', '徐州市 云龙区 和平路 8 号', '0516-8000005'),
  ('E6', '32', '徐州市云龙区和平路8号', '0516-8000006');
CREATE TEMP TABLE bid (tender_id text, bidder_id text, status text);
INSERT INTO bid VALUES ('T1', 'E1', 'valid'), ('T1', 'E4', 'valid'),
                       ('T2', 'E5', 'valid'), ('T2', 'E6', 'disqualified'),
                       ('T3', 'E2', 'valid'), ('T3', 'E3', 'valid'),
                       ('T4', 'E1', 'valid'), ('T4', 'E5', 'valid'),
                       ('T5', 'E1', 'valid'), ('T5', 'E4', 'withdrawn');
SELECT is((SELECT array_agg(subject_key || ':' || (evidence->'links'->0->>'link') ORDER BY subject_key)
             FROM cleangov.detect_related_bidders('bid', 'enterprise', 'relation')),
          ARRAY['T1:person', 'T2:address', 'T3:phone'], 'related bidders: shared legal representative, address, phone; withdrawn bids ignored');
SELECT is((SELECT value FROM cleangov.detect_related_bidders('bid', 'enterprise', 'relation') WHERE subject_key = 'T1'),
          1::float8, 'one related pair in T1');

-- ---------------------------------------------------------------------------
-- ID_MULTIPLE_IDENTITIES
-- ---------------------------------------------------------------------------
SELECT is((SELECT array_agg(subject_key || ':' || (evidence->'findings'->0->>'variant') ORDER BY subject_key)
             FROM cleangov.detect_multiple_identities('person')),
          ARRAY['21:same identity number, another name', '24:same person, another identity number'],
          'multiple identities: 21 (number under another name), 24 (same person, another number); not the duplicate record 22 nor the namesake 25');
SELECT is((SELECT evidence->'findings'->0->'person_ids' FROM cleangov.detect_multiple_identities('person') WHERE subject_key = '21'),
          '["20", "21", "22"]'::jsonb, 'evidence lists every record under the number');

-- The hits go through the alert loop unchanged (rule registered here; the
-- rule engine ships the rule rows).
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind, default_level)
VALUES ('REL_FAVOURING_RELATIVES', 'favouring relatives', 'person', 'yellow')
ON CONFLICT (rule_code) DO NOTHING;
SELECT is((SELECT array_agg(action ORDER BY alert_id) FROM cleangov.raise_alerts(
             ARRAY(SELECT h FROM cleangov.detect_favouring_relatives('person', 'relation', 'subsidy', date '2024-01-01') h))),
          ARRAY['raised', 'raised', 'raised', 'raised', 'raised'], 'raise_alerts takes the hits as they come: five alerts raised');

SELECT * FROM finish();
ROLLBACK;
