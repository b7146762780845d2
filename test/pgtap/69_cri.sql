-- Corruption Risk Index (src/sql/69_cri.sql, doc/cri.md): every flag on and
-- off by hand (0, 0.5, 1 and NULL), the mean over the flags available, a
-- buyer and a supplier over several tenders, unbound shapes (empty, and the
-- flags they feed NULL), the settings (the rules' thresholds as one source
-- of truth, the method scores, the tax-haven list), an independent SQL
-- recomputation on random data, each role, and the CRI as an indicator of
-- the integrity index with the expected composite.
BEGIN;
SELECT plan(54);
SET LOCAL client_min_messages = warning;
SET LOCAL TimeZone = 'UTC';

-- Rounded rows, so that float noise does not hide or fake a difference.
CREATE SCHEMA cri;
CREATE FUNCTION cri.r(x float8) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT round(x::numeric, 9) $$;
CREATE FUNCTION cri.flags() RETURNS TABLE (tender_id text, single_bid numeric, no_call numeric, non_open numeric, short_adv numeric,
                                           decision numeric, tax_haven numeric, buyer_dep numeric, flags int, cri numeric)
LANGUAGE sql AS $$
  SELECT t.tender_id, cri.r(t.single_bid), cri.r(t.no_call_for_tenders), cri.r(t.non_open_procedure), cri.r(t.short_advertisement),
         cri.r(t.decision_period), cri.r(t.tax_haven_supplier), cri.r(t.buyer_dependence), t.flags, cri.r(t.cri)
    FROM cleangov.cri_tender t ORDER BY 1 $$;

-- Nothing bound: the views are empty, not an error.
SELECT is((SELECT count(*)::int FROM cleangov.cri_tender), 0, 'no shape bound: cri_tender is empty');
SELECT is((SELECT count(*)::int FROM cleangov.cri_buyer) + (SELECT count(*)::int FROM cleangov.cri_supplier), 0,
          'no shape bound: cri_buyer and cri_supplier are empty');
SELECT is((SELECT count(*)::int FROM cleangov.cri_indicator('2024', 'unit')), 0, 'no shape bound: the indicator source gives nothing');

CREATE TABLE cri.tender (tid text, buyer text, unit text, method text, p_start timestamptz, p_end timestamptz,
                         n_tenderers int, status text);
CREATE TABLE cri.bid (bid text, tid text, firm text, amount numeric, status text);
CREATE TABLE cri.award (aid text, tid text, firm text, at timestamptz, status text);
CREATE TABLE cri.contract (cid text, buyer text, supplier text, amount numeric, tid text, aid text, signed timestamptz);
CREATE TABLE cri.member (kind text, of_id text, member text);
CREATE TABLE cri.party (tid text, pid text, country text);

-- The hand-made cases (buyer, unit; what each tender tests):
INSERT INTO cri.tender VALUES
  -- everything available and nothing risky: 30 days advertised, 2 bids, decided after 10 days, supplier in China
  ('T01', 'B1', 'U1', 'open', '2024-03-01', '2024-03-31', NULL, NULL),
  -- selective (1), 14 days 23 hours (14 < 15: 1), one bid counted of three (withdrawn, invited), decided in 2 days (1), Cayman
  ('T02', 'B1', 'U1', 'selective', '2024-03-01 09:00', '2024-03-16 08:00', NULL, 'active'),
  -- exactly 15 days (0.5), numberOfTenderers 1 wins over three bids, decided after exactly 90 days (1), supplier country unknown
  ('T03', 'B1', 'U1', 'open', '2024-03-01', '2024-03-16', 1, 'complete'),
  -- direct, no call published: only a pending award and an active one (no deadline: no decision period), supplier in 开曼群岛
  ('T04', 'B1', 'U2', 'direct', NULL, NULL, NULL, NULL),
  -- deadline before publication and award before the deadline (both NULL, not risk), 0 tenderers (NULL), consortium member in Cayman
  ('T05', 'B2', 'U2', 'open', '2024-04-10', '2024-04-01', 0, NULL),
  -- limited, 10 days, the buyer's dependence 0 (20 %)
  ('T06', 'B2', 'U2', 'limited', '2024-02-01', '2024-02-11', NULL, NULL),
  -- a method the CRI does not score (NULL), 60 days, dependence exactly 50 % (not above: 0)
  ('T07', 'B3', 'U3', 'foo', '2024-01-01', '2024-03-01', NULL, NULL),
  -- two submitted bids (disqualified and pending count), buyer with 4 contracts (dependence NULL)
  ('T08', 'B4', NULL, 'open', '2024-01-01', '2024-01-31', NULL, NULL),
  -- cancelled: not scored
  ('T09', 'B1', 'U1', 'open', '2024-03-01', '2024-03-02', NULL, 'cancelled'),
  -- no publication date though the column is recorded (no call: 1), one bid (1), decided after 9 days (0)
  ('T10', 'B1', 'U1', 'open', NULL, '2024-03-01', NULL, NULL),
  -- 45 days, decided after 89 days (0), a tenderer (not the supplier) in Cayman does not count
  ('T11', 'B1', 'U1', 'open', '2024-01-01', '2024-02-15', NULL, NULL),
  -- the buyer is a unit (U2): the index maps the tender to U2, not to its unit column U1; 29 days (0.5)
  ('T12', 'U2', 'U1', 'open', '2024-02-01', '2024-03-01', NULL, NULL);
INSERT INTO cri.bid VALUES
  ('b01', 'T01', 'E1', 10, 'valid'), ('b02', 'T01', 'E2', 11, NULL),
  ('b03', 'T02', 'E2', 10, 'valid'), ('b04', 'T02', 'E3', 11, 'withdrawn'), ('b05', 'T02', 'E4', 12, 'invited'),
  ('b06', 'T03', 'E1', 10, 'valid'), ('b07', 'T03', 'E2', 11, 'valid'), ('b08', 'T03', 'E3', 12, 'valid'),
  ('b09', 'T08', 'E11', 10, 'disqualified'), ('b10', 'T08', 'E12', 11, 'pending'),
  ('b11', 'T10', 'E1', 10, 'valid'),
  ('b12', 'T11', 'E1', 10, 'valid'), ('b13', 'T11', 'E2', 9, 'valid');
INSERT INTO cri.award VALUES
  ('A01', 'T01', 'E1', '2024-04-10', 'active'),
  ('A02', 'T02', 'E2', '2024-03-18 08:00', NULL),
  ('A03', 'T03', 'E3', '2024-06-14', 'active'),
  ('A04p', 'T04', 'E4', '2024-04-01', 'pending'),
  ('A04', 'T04', 'E5', '2024-05-01', 'active'),
  ('A05', 'T05', 'E1', '2024-03-25', 'active'),
  ('A10', 'T10', 'E1', '2024-03-10', 'active'),
  ('A11', 'T11', 'E2', '2024-05-14', 'active');
INSERT INTO cri.member VALUES ('award', 'A05', 'E1'), ('award', 'A05', 'E6'), ('bid', 'b01', 'E9');
INSERT INTO cri.party VALUES
  ('T01', 'E1', 'China'), ('T02', 'E2', ' cayman islands '), ('T03', 'E3', NULL), ('T04', 'E5', '开曼群岛'),
  ('T05', 'E1', 'China'), ('T05', 'E6', 'Cayman Islands'), ('T11', 'E2', 'China'), ('T11', 'E1', 'Cayman Islands'),
  ('T10', 'E1', '  ');
INSERT INTO cri.contract VALUES
  ('K01', 'B1', 'E1', 100, 'T01', NULL, '2024-04-15'),                  -- B1 has one contract: below 5, NULL
  ('K05a', 'B2', 'E1', 90, 'T05', NULL, '2024-04-20'),                  -- B2: E1 110 of 200 = 55 % (1)
  ('K05b', 'B2', 'E1', 20, NULL, 'A05', '2024-05-01'),                  --   (linked to T05 through its award)
  ('K06', 'B2', 'E7', 30, 'T06', NULL, '2024-03-01'),                   --   E7 40 of 200 = 20 % (0)
  ('K07', 'B2', 'E7', 10, NULL, NULL, '2024-06-01'),
  ('K08', 'B2', 'E8', 50, NULL, NULL, '2024-07-01'),
  ('K09', 'B3', 'E9', 50, 'T07', NULL, '2024-03-10'),                   -- B3: E9 exactly 50 % (0)
  ('K10', 'B3', 'E10', 20, NULL, NULL, '2024-03-11'), ('K11', 'B3', 'E10', 10, NULL, NULL, '2024-03-12'),
  ('K12', 'B3', 'E12', 10, NULL, NULL, '2024-03-13'), ('K12b', 'B3', 'E13', 10, NULL, NULL, '2024-03-14'),
  ('K13', 'B4', 'E11', 40, 'T08', NULL, '2024-02-10'),                  -- B4: 4 contracts, NULL
  ('K14', 'B4', 'E11', 10, NULL, NULL, '2024-02-11'), ('K15', 'B4', 'E12', 10, NULL, NULL, '2024-02-12'),
  ('K16', 'B4', 'E12', 10, NULL, NULL, '2024-02-13');
INSERT INTO cleangov.cri_tax_haven VALUES ('Cayman Islands', 'test'), ('开曼群岛', 'test');

-- Only the tender bound: what the other shapes feed is NULL, never 0.
SELECT cleangov.bind('tender', 'cri.tender', '{"tender_id": "tid", "buyer_id": "buyer", "unit_code": "unit",
  "period_start": "p_start", "period_end": "p_end", "number_of_tenderers": "n_tenderers"}');
SELECT results_eq($$SELECT * FROM cri.flags() WHERE tender_id IN ('T01', 'T02', 'T03', 'T04')$$,
  $$VALUES ('T01', NULL::numeric, 0::numeric, 0::numeric, 0::numeric, NULL::numeric, NULL::numeric, NULL::numeric, 3, 0::numeric),
           ('T02', NULL, 0, 1, 1, NULL, NULL, NULL, 3, 0.666666667),
           ('T03', 1, 0, 0, 0.5, NULL, NULL, NULL, 4, 0.375),
           ('T04', NULL, 1, 1, NULL, NULL, NULL, NULL, 2, 1)$$,
  'only the tender bound: bids, awards, parties and contracts read as empty, their flags NULL (numberOfTenderers still counts)');
SELECT is((SELECT count(*)::int FROM cleangov.cri_supplier), 0, 'only the tender bound: no supplier');

SELECT cleangov.bind('bid', 'cri.bid', '{"bid_id": "bid", "tender_id": "tid", "bidder_id": "firm"}');
SELECT cleangov.bind('award', 'cri.award', '{"award_id": "aid", "tender_id": "tid", "supplier_id": "firm", "awarded_at": "at"}');
SELECT cleangov.bind('contract', 'cri.contract', '{"contract_id": "cid", "buyer_id": "buyer", "supplier_id": "supplier",
  "tender_id": "tid", "award_id": "aid", "signed_at": "signed"}');
SELECT cleangov.bind('consortium_member', 'cri.member', '{"of_kind": "kind", "member_id": "member"}');
SELECT cleangov.bind('party', 'cri.party', '{"tender_id": "tid", "party_id": "pid", "country_name": "country"}');

SELECT results_eq('SELECT * FROM cri.flags()',
  $$VALUES ('T01', 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, NULL::numeric, 6, 0::numeric),
           ('T02', 1, 0, 1, 1, 1, 1, NULL, 6, 0.833333333),
           ('T03', 1, 0, 0, 0.5, 1, NULL, NULL, 5, 0.5),
           ('T04', NULL, 1, 1, NULL, NULL, 1, NULL, 3, 1),
           ('T05', NULL, 0, 0, NULL, NULL, 1, 1, 4, 0.5),
           ('T06', NULL, 0, 1, 1, NULL, NULL, 0, 4, 0.5),
           ('T07', NULL, 0, NULL, 0, NULL, NULL, 0, 3, 0),
           ('T08', 0, 0, 0, 0, NULL, NULL, NULL, 4, 0),
           ('T10', 1, 1, 0, NULL, 0, NULL, NULL, 4, 0.5),
           ('T11', 0, 0, 0, 0, 0, 0, NULL, 6, 0),
           ('T12', NULL, 0, 0, 0.5, NULL, NULL, NULL, 3, 0.166666667)$$,
  'every flag on, off and NULL as worked out by hand; the CRI is the mean of the flags available; the cancelled tender is left out');
SELECT results_eq($$SELECT tender_id, suppliers, bids, advertisement_days, decision_days, cri.r(buyer_share), process_date
                      FROM cleangov.cri_tender WHERE tender_id IN ('T02', 'T03', 'T04', 'T05', 'T07') ORDER BY 1$$,
  $$VALUES ('T02', '{E2}'::text[], 1, 14, 2, NULL::numeric, '2024-03-01 09:00+00'::timestamptz),
           ('T03', '{E3}', 1, 15, 90, NULL, '2024-03-01'),
           ('T04', '{E5}', NULL, NULL, NULL, NULL, '2024-05-01'),
           ('T05', '{E1,E6}', 0, -9, -7, 0.55, '2024-04-10'),
           ('T07', '{E9}', NULL, 60, NULL, 0.5, '2024-01-01')$$,
  'the inputs: suppliers (active awards, consortium members, contracts also through their award), bids, days, the share, the date');

SELECT results_eq($$SELECT buyer_id, tenders, flags, cri.r(cri), cri.r(single_bid), cri.r(no_call_for_tenders), cri.r(non_open_procedure),
                           cri.r(short_advertisement), cri.r(decision_period), cri.r(tax_haven_supplier), cri.r(buyer_dependence)
                      FROM cleangov.cri_buyer WHERE buyer_id IN ('B1', 'B2') ORDER BY 1$$,
  $$VALUES ('B1', 6, 30, 0.472222222, 0.6, 0.333333333, 0.333333333, 0.375, 0.4, 0.5, NULL::numeric),
           ('B2', 2, 8, 0.5, NULL, 0, 0.5, 1, NULL, 1, 0.5)$$,
  'per buyer: tenders and flags available, the mean CRI of its tenders, each flag''s mean where available (NULL where never)');
SELECT results_eq($$SELECT supplier_id, tenders, flags, cri.r(cri) FROM cleangov.cri_supplier WHERE supplier_id IN ('E1', 'E4', 'E6') ORDER BY 1$$,
  $$VALUES ('E1', 3, 14, 0.333333333), ('E6', 1, 4, 0.5)$$,
  'per supplier: E1 over T01, T05, T10; the consortium member E6 over T05; the pending award''s E4 nowhere');
SELECT results_eq($$SELECT subject_kind, count(*)::int, sum(tenders)::int FROM cleangov.cri_subject GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('buyer', 5, 11), ('supplier', 8, 11)$$,
  'cri_subject: 5 buyers over the 11 scored tenders, 8 suppliers over 11 tender-supplier pairs (T04''s pending award gives none)');

-- Settings: the rules' thresholds are the CRI's.
CREATE TEMP TABLE r003_key AS SELECT threshold_key AS k FROM cleangov.cri_threshold WHERE threshold_name = 'advertisement_short_days';
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, ARRAY[(SELECT k FROM r003_key)], '20') WHERE rule_code = 'R003';
SELECT is((SELECT short_advertisement FROM cleangov.cri_tender WHERE tender_id = 'T03'), 1::float8,
          'R003 at 20 days: 15 days advertised now scores 1 (one setting for the rule and the CRI)');
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, ARRAY[(SELECT k FROM r003_key)], '15') WHERE rule_code = 'R003';
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, '{share}', '0.6') WHERE rule_code = 'PROC_BUYER_DEPENDENCE';
SELECT is((SELECT buyer_dependence FROM cleangov.cri_tender WHERE tender_id = 'T05'), 0::float8,
          'PROC_BUYER_DEPENDENCE at 60 %: a 55 % share no longer scores');
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, '{share}', '0.5') WHERE rule_code = 'PROC_BUYER_DEPENDENCE';
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, '{min_contracts}', '4') WHERE rule_code = 'PROC_BUYER_DEPENDENCE';
SELECT is((SELECT buyer_dependence FROM cleangov.cri_tender WHERE tender_id = 'T08'), 1::float8,
          'PROC_BUYER_DEPENDENCE with 4 contracts: B4''s 4 contracts count, E11''s 50 of 70 scores');
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, '{min_contracts}', '5') WHERE rule_code = 'PROC_BUYER_DEPENDENCE';
UPDATE cleangov.cri_threshold SET value = 16 WHERE threshold_name = 'advertisement_moderate_days';
SELECT is((SELECT short_advertisement FROM cleangov.cri_tender WHERE tender_id = 'T12'), 0::float8,
          'advertisement_moderate_days 16: 29 days no longer scores 0.5');
UPDATE cleangov.cri_threshold SET value = 30 WHERE threshold_name = 'advertisement_moderate_days';
UPDATE cleangov.cri_method SET score = 0.5 WHERE method = 'selective';
SELECT is((SELECT non_open_procedure FROM cleangov.cri_tender WHERE tender_id = 'T02'), 0.5::float8, 'a method''s score is data (selective 0.5)');
UPDATE cleangov.cri_method SET score = 1 WHERE method = 'selective';
SELECT ok((SELECT NOT shipped FROM cleangov.cri_method WHERE method = 'selective'), 'a changed shipped method score is no longer shipped (pg_dump keeps it)');
DELETE FROM cleangov.cri_tax_haven;
SELECT results_eq($$SELECT tender_id, tax_haven, flags, cri FROM cri.flags() WHERE tender_id IN ('T01', 'T02') ORDER BY 1$$,
  $$VALUES ('T01', NULL::numeric, 5, 0::numeric), ('T02', NULL, 5, 0.8)$$,
  'no tax havens listed: the flag is NULL everywhere (not 0) and leaves the means');
INSERT INTO cleangov.cri_tax_haven VALUES ('Cayman Islands', 'test'), ('开曼群岛', 'test');

SELECT throws_ok($$SELECT cleangov.cri_threshold_value('nope')$$, '42704', 'no CRI threshold nope', 'an unknown setting is 42704');
UPDATE cleangov.cri_threshold SET threshold_key = 'nope' WHERE threshold_name = 'advertisement_short_days';
SELECT throws_ok('SELECT * FROM cleangov.cri_tender', '22023',
  'CRI threshold advertisement_short_days is taken from threshold "nope" of rule R003, which is not set',
  'a setting pointing to a threshold the rule does not have is 22023, naming both');
UPDATE cleangov.cri_threshold SET threshold_key = (SELECT k FROM r003_key) WHERE threshold_name = 'advertisement_short_days';
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, ARRAY[(SELECT k FROM r003_key)], '"15"') WHERE rule_code = 'R003';
SELECT throws_ok('SELECT * FROM cleangov.cri_tender', '22023',
  format('CRI threshold advertisement_short_days is taken from threshold "%s" of rule R003, which is not a number but "15"', (SELECT k FROM r003_key)),
  'a rule threshold that is not a number is 22023');
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, ARRAY[(SELECT k FROM r003_key)], '15') WHERE rule_code = 'R003';
UPDATE cleangov.cri_threshold SET value = 3 WHERE threshold_name = 'decision_long_days';
SELECT throws_ok('SELECT * FROM cleangov.cri_buyer', '22023', NULL, 'a decision band with long <= short is 22023');
UPDATE cleangov.cri_threshold SET value = 90 WHERE threshold_name = 'decision_long_days';
SELECT throws_ok($$UPDATE cleangov.cri_threshold SET value = -1 WHERE threshold_name = 'decision_short_days'$$, '23514', NULL,
  'a negative setting is refused');
SELECT throws_ok($$UPDATE cleangov.cri_threshold SET value = 'Infinity' WHERE threshold_name = 'decision_short_days'$$, '23514', NULL,
  'an infinite setting is refused');
SELECT throws_ok($$UPDATE cleangov.cri_threshold SET value = 10 WHERE threshold_name = 'buyer_share'$$, '23514', NULL,
  'a setting with both a value and a rule is refused (one source of truth)');
SELECT throws_ok($$INSERT INTO cleangov.cri_method (method, score) VALUES ('tender', 1)$$, '23503', NULL,
  'a method score for a code outside the method code list is refused');
SELECT throws_ok($$UPDATE cleangov.cri_method SET score = 2 WHERE method = 'open'$$, '23514', NULL, 'a method score above 1 is refused');
SELECT throws_ok($$INSERT INTO cleangov.cri_tax_haven VALUES (' Jersey', NULL)$$, '23514', NULL, 'a tax haven with surrounding spaces is refused');
SELECT ok((SELECT bool_and(cleangov.cri_threshold_value(threshold_name) IS NOT NULL) FROM cleangov.cri_threshold),
          'every shipped setting resolves (the rules still have the thresholds the CRI reads)');

-- The indicator source.
SELECT throws_ok($$SELECT * FROM cleangov.cri_indicator('2024-13', 'unit')$$, '22007', NULL, 'a period that is none is 22007');
SELECT throws_ok($$SELECT * FROM cleangov.cri_indicator('2024', 'person')$$, '22023', NULL, 'a subject kind the CRI has not is 22023');
SELECT throws_ok($$SELECT * FROM cleangov.cri_indicator('2024', 'unit', 0)$$, '22023', NULL, 'min_tenders below 1 is 22023');
INSERT INTO cleangov.unit (unit_code, name) VALUES ('U1', 'one'), ('U2', 'two');
SELECT results_eq($$SELECT subject_kind, subject_key, cri.r(value) FROM cleangov.cri_indicator('2024', 'unit') ORDER BY 2$$,
  $$VALUES ('unit', 'U1', 0.366666667), ('unit', 'U2', 0.541666667)$$,
  'units in 2024: U1 over T01, T02, T03, T10, T11; U2 over T04, T05, T06 and T12 (its buyer is U2); U3 is no unit, T08 has none');
SELECT results_eq($$SELECT subject_key, cri.r(value) FROM cleangov.cri_indicator('2024-Q1', 'unit') ORDER BY 1$$,
  $$VALUES ('U1', 0.366666667), ('U2', 0.333333333)$$,
  'the first quarter: U2 over T06 and T12 only (T04 is dated by its award in May, T05 published in April)');
SELECT results_eq($$SELECT subject_key, cri.r(value) FROM cleangov.cri_indicator('2024', 'enterprise', 2) ORDER BY 1$$,
  $$VALUES ('E1', 0.333333333), ('E2', 0.416666667)$$,
  'suppliers with at least 2 tenders: E1 (T01, T05, T10), E2 (T02, T11)');
SELECT is((SELECT count(*)::int FROM cleangov.cri_indicator('2023', 'buyer')), 0, 'nothing dated 2023');

-- The integrity index computed with the CRI: one leaf per subject kind,
-- scored 100 x (1 - CRI).
INSERT INTO cleangov.index_framework (framework_code, name, person_rule) VALUES ('cri_t', 'CRI test', 'none');
INSERT INTO cleangov.indicator (framework_code, indicator_code, name, higher_is, method, worst, best, valid_min, valid_max,
                                subject_kinds, source_query)
VALUES ('cri_t', 'CRI', 'corruption risk of the unit''s tenders', 'riskier', 'bounds', 1, 0, 0, 1, '{unit}',
        $$SELECT * FROM cleangov.cri_indicator($1, 'unit')$$),
       ('cri_t', 'CRI_E', 'corruption risk of the supplier''s tenders', 'riskier', 'bounds', 1, 0, 0, 1, '{enterprise}',
        $$SELECT * FROM cleangov.cri_indicator($1, 'enterprise', 2)$$);
SELECT lives_ok($$SELECT cleangov.index_compute('cri_t', '2024', false)$$, 'the index computes with the CRI as source');
SELECT results_eq($$SELECT subject_kind, subject_key, round(composite::numeric, 4), level::text FROM cleangov.index_score
                     WHERE framework_code = 'cri_t' ORDER BY 1, 2$$,
  $$VALUES ('enterprise', 'E1', 66.6667, 'red'), ('enterprise', 'E2', 58.3333, 'red'),
           ('unit', 'U1', 63.3333, 'red'), ('unit', 'U2', 45.8333, 'red')$$,
  'composites: 100 x (1 - mean CRI): U1 63.33, U2 45.83, E1 66.67, E2 58.33');
-- doc/cri.md's example: a CRI leaf in the Pizhou framework.
SELECT cleangov.index_install_pizhou();
INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, name_zh,
                                higher_is, method, worst, best, valid_min, valid_max,
                                subject_kinds, source_query)
VALUES ('pizhou', 'D2.3.3', 'D2.3', 'Corruption risk of procurement', '采购廉洁风险指数',
        'riskier', 'bounds', 1, 0, 0, 1, '{unit}',
        $$SELECT * FROM cleangov.cri_indicator($1, 'unit', 3)$$);
SELECT lives_ok($$SELECT cleangov.index_compute('pizhou', '2024', false)$$, 'doc/cri.md''s Pizhou leaf computes');
SELECT results_eq($$SELECT s.subject_key, round(v.value::numeric, 4), round(s.composite::numeric, 4)
                      FROM cleangov.index_score s
                      JOIN cleangov.indicator_value v ON (v.framework_code, v.period, v.subject_kind, v.subject_key)
                                                       = (s.framework_code, s.period, s.subject_kind, s.subject_key)
                     WHERE s.framework_code = 'pizhou' AND v.indicator_code = 'D2.3.3' ORDER BY 1$$,
  $$VALUES ('U1', 0.3667, 63.3333), ('U2', 0.5417, 45.8333)$$,
  'Pizhou with the CRI as its only leaf with values: the composites are 100 x (1 - CRI)');

-- Each role.  The views read the bound shapes with the reader's rights.
CREATE ROLE t_cri_admin IN ROLE cleangov_admin;
CREATE ROLE t_cri_analyst IN ROLE cleangov_analyst;
CREATE ROLE t_cri_inspector IN ROLE cleangov_inspector;
CREATE TEMP TABLE want AS SELECT * FROM cri.flags();
GRANT SELECT ON want TO t_cri_analyst, t_cri_admin;
GRANT USAGE ON SCHEMA cri TO t_cri_analyst, t_cri_admin, t_cri_inspector;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA cri TO t_cri_analyst, t_cri_admin, t_cri_inspector;
SET LOCAL ROLE t_cri_inspector;
SELECT throws_ok('SELECT * FROM cleangov.cri_buyer', '42501', NULL, 'inspector: the CRI views are not granted');
SELECT throws_ok('SELECT * FROM cleangov.cri_tenders()', '42501', 'permission denied for view cleangov_bound.tender',
                 'inspector: the function reads the bound views with its own rights, which it lacks');
RESET ROLE;
SET LOCAL ROLE t_cri_analyst;
SELECT throws_ok('SELECT * FROM cleangov.cri_tender', '42501', 'permission denied for view cleangov_bound.tender',
                 'analyst without rights on the bound data: 42501 naming the bound view');
SELECT is((SELECT count(*)::int FROM cleangov.cri_threshold), 6, 'analyst: reads the settings');
SELECT throws_ok($$UPDATE cleangov.cri_threshold SET value = 1 WHERE threshold_name = 'decision_short_days'$$, '42501', NULL,
                 'analyst: may not change them');
RESET ROLE;
GRANT SELECT ON cleangov_bound.tender, cleangov_bound.bid, cleangov_bound.award, cleangov_bound.contract,
                cleangov_bound.consortium_member, cleangov_bound.party TO t_cri_analyst, t_cri_admin;
SET LOCAL ROLE t_cri_analyst;
SELECT throws_ok('SELECT * FROM cleangov.cri_tender', '42501', 'permission denied for table tender',
                 'analyst with the bound views but not their tables: still refused (the views are security_invoker)');
RESET ROLE;
GRANT SELECT ON ALL TABLES IN SCHEMA cri TO t_cri_analyst, t_cri_admin;
SET LOCAL ROLE t_cri_analyst;
SELECT results_eq('SELECT * FROM cri.flags()', 'SELECT * FROM want', 'analyst with the rights on the bound data: the same CRI');
RESET ROLE;
SET LOCAL ROLE t_cri_admin;
SELECT is((SELECT count(*)::int FROM cleangov.cri_supplier), 8, 'admin with the rights: reads cri_supplier (E1 E2 E3 E5 E6 E7 E9 E11)');
SELECT lives_ok($$UPDATE cleangov.cri_threshold SET value = 4 WHERE threshold_name = 'decision_short_days'$$, 'admin: changes a setting');
RESET ROLE;
REVOKE SELECT ON ALL TABLES IN SCHEMA cri FROM t_cri_admin;
SET LOCAL ROLE t_cri_admin;
SELECT throws_ok('SELECT * FROM cleangov.cri_buyer', '42501', NULL, 'admin without the rights on the tables: refused like anyone');
RESET ROLE;
UPDATE cleangov.cri_threshold SET value = 3 WHERE threshold_name = 'decision_short_days';

-- Random data, recomputed here by plain SQL written independently (one
-- correlated subquery per input) and compared tender by tender.
TRUNCATE cri.tender, cri.bid, cri.award, cri.contract, cri.member, cri.party;
SELECT setseed(0.69);
INSERT INTO cri.tender
SELECT 'R' || i, 'B' || (1 + floor(random() * 12))::int, 'U' || (1 + floor(random() * 3))::int,
       (ARRAY['open', 'selective', 'limited', 'direct', 'draw', 'other', NULL])[1 + floor(random() * 7)::int],
       s, CASE WHEN random() < 0.1 THEN NULL ELSE coalesce(s, '2024-01-01') + (floor(random() * 50) - 5) * interval '1 day' + random() * interval '1 day' END,
       CASE WHEN random() < 0.15 THEN floor(random() * 3)::int END,
       (ARRAY[NULL, NULL, 'active', 'complete', 'cancelled', 'unsuccessful'])[1 + floor(random() * 6)::int]
  FROM generate_series(1, 300) i
 CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.15 THEN NULL
                                 ELSE '2024-01-01'::timestamptz + floor(random() * 300) * interval '1 day' + i * interval '0 s' END AS s) x;
INSERT INTO cri.bid
SELECT 'bid' || i, 'R' || (1 + floor(random() * 300))::int, 'E' || (1 + floor(random() * 25))::int, 1,
       (ARRAY[NULL, 'valid', 'valid', 'pending', 'disqualified', 'withdrawn', 'invited'])[1 + floor(random() * 7)::int]
  FROM generate_series(1, 700) i;
INSERT INTO cri.award
SELECT 'aw' || i, 'R' || (1 + floor(random() * 300))::int, 'E' || (1 + floor(random() * 25))::int,
       CASE WHEN random() < 0.9 THEN '2024-01-01'::timestamptz + floor(random() * 400) * interval '1 day' END,
       (ARRAY[NULL, 'active', 'active', 'pending', 'cancelled', 'unsuccessful'])[1 + floor(random() * 6)::int]
  FROM generate_series(1, 320) i;
INSERT INTO cri.member SELECT 'award', 'aw' || (1 + floor(random() * 320))::int, 'E' || (1 + floor(random() * 25))::int
  FROM generate_series(1, 40);
INSERT INTO cri.party
SELECT DISTINCT ON (t, e) t, e, (ARRAY['China', 'Cayman Islands', ' CAYMAN ISLANDS', '开曼群岛', '', NULL, 'Hong Kong'])[1 + floor(random() * 7)::int]
  FROM (SELECT 'R' || (1 + floor(random() * 300))::int AS t, 'E' || (1 + floor(random() * 25))::int AS e FROM generate_series(1, 500)) p;
INSERT INTO cri.contract
SELECT 'k' || i, 'B' || (1 + floor(random() * 12))::int, 'E' || (1 + floor(random() ^ 4 * 25))::int,
       CASE WHEN random() < 0.05 THEN 0 ELSE round((random() * 1000)::numeric, 2) END,
       CASE WHEN r < 0.6 THEN 'R' || (1 + floor(random() * 300))::int END,
       CASE WHEN r >= 0.6 AND r < 0.8 THEN 'aw' || (1 + floor(random() * 320))::int END,
       CASE WHEN random() < 0.95 THEN '2023-06-01'::timestamptz + floor(random() * 700) * interval '1 day' END
  FROM generate_series(1, 400) i CROSS JOIN LATERAL (SELECT random() + i * 0 AS r) x;

CREATE TEMP TABLE expect AS
WITH t AS (
  SELECT t.*,
         coalesce(t.n_tenderers, (SELECT nullif(count(DISTINCT b.firm), 0) FROM cri.bid b
                                   WHERE b.tid = t.tid AND coalesce(b.status, 'valid') IN ('valid', 'pending', 'disqualified'))) AS n,
         (SELECT min(a.at) FROM cri.award a WHERE a.tid = t.tid AND coalesce(a.status, 'active') = 'active') AS first_award,
         (SELECT max(sh.share) FROM (
            SELECT c.cid,
                   (SELECT sum(c2.amount) FROM cri.contract c2
                     WHERE c2.buyer = c.buyer AND c2.supplier = c.supplier AND c2.amount > 0 AND c2.signed IS NOT NULL
                       AND date_part('year', c2.signed) = date_part('year', c.signed))
                   / (SELECT sum(c2.amount) FROM cri.contract c2
                       WHERE c2.buyer = c.buyer AND c2.amount > 0 AND c2.signed IS NOT NULL
                         AND date_part('year', c2.signed) = date_part('year', c.signed)) AS share,
                   (SELECT count(*) FROM cri.contract c2
                     WHERE c2.buyer = c.buyer AND c2.amount > 0 AND c2.signed IS NOT NULL
                       AND date_part('year', c2.signed) = date_part('year', c.signed)) AS n
              FROM cri.contract c
             WHERE c.amount > 0 AND c.signed IS NOT NULL
               AND (c.tid = t.tid OR (c.tid IS NULL AND EXISTS (SELECT FROM cri.award a WHERE a.aid = c.aid AND a.tid = t.tid)))) sh
           WHERE sh.n >= 5) AS share,
         (SELECT bool_or(lower(btrim(p.country)) IN ('cayman islands', '开曼群岛')) FROM cri.party p
           WHERE p.tid = t.tid AND btrim(p.country) <> ''
             AND (EXISTS (SELECT FROM cri.award a WHERE a.tid = t.tid AND coalesce(a.status, 'active') = 'active'
                            AND (a.firm = p.pid OR EXISTS (SELECT FROM cri.member m WHERE m.kind = 'award' AND m.of_id = a.aid AND m.member = p.pid)))
                  OR EXISTS (SELECT FROM cri.contract c WHERE c.supplier = p.pid
                               AND (c.tid = t.tid OR (c.tid IS NULL AND EXISTS (SELECT FROM cri.award a WHERE a.aid = c.aid AND a.tid = t.tid)))))) AS haven
    FROM cri.tender t
   WHERE coalesce(t.status, '') NOT IN ('cancelled', 'unsuccessful', 'withdrawn')),
d AS (
  SELECT t.tid,
         CASE WHEN t.n = 1 THEN 1.0 WHEN t.n >= 2 THEN 0.0 END AS f1,
         CASE WHEN t.p_start IS NULL THEN 1.0 ELSE 0.0 END AS f2,
         CASE t.method WHEN 'open' THEN 0.0 WHEN 'draw' THEN 0.0 WHEN 'selective' THEN 1.0 WHEN 'limited' THEN 1.0 WHEN 'direct' THEN 1.0 END AS f3,
         (SELECT CASE WHEN x.days < 0 THEN NULL WHEN x.days < 15 THEN 1.0 WHEN x.days < 30 THEN 0.5 WHEN x.days >= 30 THEN 0.0 END
            FROM (SELECT floor(extract(epoch FROM t.p_end - t.p_start) / 86400) AS days) x) AS f4,
         (SELECT CASE WHEN x.days < 0 THEN NULL WHEN x.days < 3 OR x.days >= 90 THEN 1.0 WHEN x.days >= 3 THEN 0.0 END
            FROM (SELECT floor(extract(epoch FROM t.first_award - t.p_end) / 86400) AS days) x) AS f5,
         CASE WHEN t.haven THEN 1.0 WHEN NOT t.haven THEN 0.0 END AS f6,
         CASE WHEN t.share > 0.5 THEN 1.0 WHEN t.share <= 0.5 THEN 0.0 END AS f7
    FROM t)
SELECT d.tid, d.f1, d.f2, d.f3, d.f4, d.f5, d.f6, d.f7,
       (SELECT count(f) FROM unnest(ARRAY[d.f1, d.f2, d.f3, d.f4, d.f5, d.f6, d.f7]) f)::int AS n,
       (SELECT avg(f) FROM unnest(ARRAY[d.f1, d.f2, d.f3, d.f4, d.f5, d.f6, d.f7]) f) AS cri_full
  FROM d;
SELECT ok((SELECT count(*) FROM expect) > 150 AND (SELECT count(DISTINCT f1) + count(DISTINCT f4) + count(DISTINCT f5)
                                                          + count(DISTINCT f6) + count(DISTINCT f7) FROM expect) = 11,
          'the random set is large and has every value of every flag (the comparison below can fail)');
SELECT set_eq('SELECT * FROM cri.flags()', 'SELECT tid, f1, f2, f3, f4, f5, f6, f7, n, round(cri_full, 9) FROM expect',
              'random data: every flag, the number available and the CRI equal the independent recomputation');
SELECT set_eq($$SELECT buyer_id, tenders, cri.r(cri) FROM cleangov.cri_buyer$$,
              $$SELECT t.buyer, count(e.cri_full)::int, round(avg(e.cri_full), 9) FROM expect e JOIN cri.tender t ON t.tid = e.tid GROUP BY t.buyer$$,
              'random data: per buyer the mean of its tenders'' CRIs');

-- OCDS compiled releases through bind_ocds: the same flags.
CREATE TABLE cri.releases (data jsonb);
INSERT INTO cri.releases VALUES
 ('{"ocid": "ocds-1", "buyer": {"id": "BUY-1"},
    "tender": {"procurementMethod": "open", "tenderPeriod": {"startDate": "2024-05-01T00:00:00Z", "endDate": "2024-05-11T00:00:00Z"}},
    "bids": {"details": [{"id": "b1", "status": "valid", "tenderers": [{"id": "S1"}]},
                         {"id": "b2", "status": "withdrawn", "tenderers": [{"id": "S4"}]}]},
    "awards": [{"id": "a1", "status": "active", "date": "2024-05-12T00:00:00Z", "suppliers": [{"id": "S1"}]}],
    "contracts": [{"id": "c1", "awardID": "a1", "value": {"amount": 100, "currency": "CNY"}, "dateSigned": "2024-05-20T00:00:00Z"}],
    "parties": [{"id": "S1", "roles": ["supplier"], "address": {"countryName": "Cayman Islands"}},
                {"id": "S4", "roles": ["tenderer"], "address": {"countryName": "China"}}]}'),
 ('{"ocid": "ocds-2", "buyer": {"id": "BUY-1"},
    "tender": {"procurementMethod": "direct", "numberOfTenderers": 1},
    "awards": [{"id": "a1", "status": "active", "date": "2024-06-01T00:00:00Z", "suppliers": [{"id": "S2"}, {"id": "S3"}]}],
    "parties": [{"id": "S2", "roles": ["supplier"]}, {"id": "S3", "roles": ["supplier"], "address": {"countryName": "China"}}]}'),
 ('{"ocid": "ocds-3", "buyer": {"id": "BUY-2"},
    "tender": {"status": "cancelled", "procurementMethod": "open", "tenderPeriod": {"startDate": "2024-05-01T00:00:00Z", "endDate": "2024-05-02T00:00:00Z"}}}');
SELECT cleangov.bind_ocds('cri.releases');
SELECT results_eq('SELECT * FROM cri.flags()',
  $$VALUES ('ocds-1', 1::numeric, 0::numeric, 0::numeric, 1::numeric, 1::numeric, 1::numeric, NULL::numeric, 6, 0.666666667),
           ('ocds-2', 1, 1, 1, NULL, NULL, 0, NULL, 4, 0.75)$$,
  'OCDS releases: one valid bid (the withdrawn one not counted), 10 days, decided next day, supplier in Cayman; a direct award to a consortium, one known country (China); the cancelled process left out');
SELECT results_eq($$SELECT supplier_id, tenders, cri.r(cri) FROM cleangov.cri_supplier ORDER BY 1$$,
  $$VALUES ('S1', 1, 0.666666667), ('S2', 1, 0.75), ('S3', 1, 0.75)$$,
  'OCDS releases: every consortium member is a supplier of the process');

SELECT * FROM finish();
ROLLBACK;
