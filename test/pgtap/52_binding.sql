-- Bindings beyond plain columns (issue 12): constants, expressions, code maps,
-- composite keys, lookups, date-only deadlines; real time through a lookup
-- and through the base table of a bound view (reach); a binding that
-- outlives its source (dropped table, dropped column) and comes back.
BEGIN;
SELECT plan(66);
SET client_min_messages = warning;

CREATE SCHEMA k;
CREATE TABLE k.dw (dwbh text PRIMARY KEY, dwmc text);
CREATE TABLE k.xm (xmbh text PRIMARY KEY, dwbh text, cgfs text, jzsj date, fbsj date);
-- no key: a contract is (xmbh, gys)
CREATE TABLE k.ht (xmbh text, gys text, je numeric, ckj numeric);
CREATE INDEX ON k.ht (xmbh);
INSERT INTO k.dw VALUES ('D1', 'Unit one'), ('D2', 'Unit two');
INSERT INTO k.xm VALUES ('X1', 'D1', '公开招标', '2024-01-10', '2024-01-01'), ('X2', 'D2', '单一来源', '2024-02-10', '2024-02-01');

UPDATE cleangov.rule SET enabled = false WHERE domain <> 'ktest';
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('K_OVER', 'over reference', '高于参考价', 'ktest', 'contract', '{"pct": 0.2}', 'yellow'),
 ('K_DIRECT', 'direct award', '直接采购', 'ktest', 'contract', '{"x": 0}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key, unit_expr) VALUES
 ('K_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount / r.market_price - 1', 'pct', NULL),
 ('K_DIRECT', 'row', 'contract', 'r.method = ''direct''', '1', 'x', 'r.buyer_id');

-- compose_key: parts never run together
SELECT is(cleangov.compose_key('a/b', 'c'), E'a\\/b/c', 'compose_key escapes the separator');
SELECT isnt(cleangov.compose_key('a/b', 'c'), cleangov.compose_key('a', 'b/c'), 'different parts give different keys');
SELECT is(cleangov.compose_key('a', NULL), NULL, 'a NULL part gives no key');

-- expression_info: what an expression is
SELECT is((cleangov.expression_info('SELECT 1::numeric + 2, ''x''::text')).types, '{numeric,text}'::regtype[], 'expression_info returns the types');
SELECT ok('pg_catalog.random()'::regprocedure = ANY ((cleangov.expression_info('SELECT random() * 2')).functions),
          'expression_info finds the functions called, operators included');
SELECT throws_ok($$SELECT cleangov.expression_info('SELECT 1; SELECT 2')$$, '42601', NULL, 'two statements are refused');
SELECT throws_ok($$SELECT cleangov.expression_info('SELECT count(*) FROM k.ht')$$, '42803', NULL, 'an aggregate is refused');
SELECT throws_ok($$SELECT cleangov.expression_info('SELECT (SELECT 1)')$$, '0A000', NULL, 'a subquery is refused');
SELECT throws_ok($$SELECT cleangov.expression_info('SELECT generate_series(1, 2)')$$, '0A000', NULL, 'a set-returning function is refused');

-- the contract: a composite key, the buyer and unit through lookups, the
-- method through a code map, a constant, an expression
SELECT lives_ok($$SELECT cleangov.bind('contract', 'k.ht',
  '{"contract_id": {"columns": ["xmbh", "gys"]}, "buyer_id": "t.dwbh", "supplier_id": "gys", "amount": "je",
    "market_price": {"expr": "nullif(src.ckj, 0)"}, "unit_code": "u.dwbh", "tender_id": "xmbh",
    "method": {"column": "t.cgfs", "codes": {"公开招标": "open", "单一来源": "direct"}},
    "category": {"value": "goods"}}',
  '{"t": {"table": "k.xm", "on": {"xmbh": "xmbh"}}, "u": {"table": "k.dw", "on": {"dwbh": "t.dwbh"}}}')$$,
  'a binding with a composite key, two chained lookups, a code map, a constant and an expression');
SELECT is((SELECT absent FROM cleangov.binding WHERE shape = 'contract'),
          '{item_class,random_draw,signed_at,project_id,currency,award_id}'::text[], 'the unmapped columns are recorded as absent');
SELECT cleangov.watch('k.ht');
SELECT cleangov.watch('k.xm');

INSERT INTO k.ht VALUES ('X1', 'E1', 130, 100), ('X1', 'E2', 100, 100), ('X2', 'E1', 50, 0);
SELECT set_eq($$SELECT rule_code, subject_key, unit_code FROM cleangov.alert$$,
              $$VALUES ('K_OVER', 'X1/E1', 'D1'), ('K_DIRECT', 'X2/E1', 'D2')$$,
              'a write to the source raises through the lookups and the code map, inside the transaction');
SELECT is((SELECT evidence ->> 'category' FROM cleangov.alert WHERE rule_code = 'K_OVER'), 'goods', 'the constant is read');

-- a write to the lookup reaches the contracts of that tender
UPDATE k.xm SET cgfs = '单一来源' WHERE xmbh = 'X1';
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'K_DIRECT'$$,
              $$VALUES ('X2/E1'), ('X1/E1'), ('X1/E2')$$,
              'an UPDATE of a lookup table raises for the source rows it reaches');

-- refusals, each naming the column
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": {"expr": "src.gys"}}')$$,
                 '42804', NULL, 'an expression of the wrong type');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": {"expr": "src.je * random()"}}')$$,
                 '42P17', 'mapping of column "amount" of shape "contract" calls random(), which is volatile', 'a volatile expression');
CREATE FUNCTION public.k_mine(numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN $1;
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": {"expr": "public.k_mine(src.je)"}}')$$,
                 '42501', NULL, 'a function a user wrote (it would run with the rule owner''s rights)');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "t.gys", "supplier_id": "gys", "amount": "je"}',
                   '{"t": {"table": "k.ht", "on": {"xmbh": "xmbh"}}}')$$,
                 '42P10', NULL, 'a lookup without a unique key');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": "je",
                   "method": {"column": "xmbh", "codes": {"X1": "tendering"}}}')$$,
                 '22023', NULL, 'a code map to a code that is not in the list');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": {"expr": "1); DROP TABLE k.dw; SELECT (1"}}')$$,
                 '42601', NULL, 'an expression that is several statements');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": {"value": 1, "expr": "1"}}')$$,
                 '22023', NULL, 'two forms in one mapping');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "t.dwbh", "supplier_id": "gys", "amount": "je"}')$$,
                 '42703', NULL, 'a lookup column without the lookup');
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.ht', '{"contract_id": "xmbh", "buyer_id": "xmbh", "supplier_id": "gys", "amount": "je", "signed_at": {"value": "not a date"}}')$$,
                 '42804', NULL, 'a constant that is not of the column''s type');
SELECT ok(to_regclass('k.dw') IS NOT NULL, 'nothing of the hostile expression ran');

-- hostile names and values reach the generated SQL only quoted
SELECT is(cleangov.expression_info(NULL), NULL, 'expression_info of NULL is NULL');
SELECT throws_ok($$SELECT cleangov.expression_info('SELEC 1 FRM')$$, '42601', NULL, 'garbage is a syntax error, not a crash');
CREATE TABLE k."we""ird tab" ("no." text, "a b""c" numeric, "m'x" text);
INSERT INTO k."we""ird tab" VALUES ('1', 150, 'o''neil'), ('2', 50, 'x"); DROP TABLE k.dw; --');
SELECT lives_ok($$SELECT cleangov.bind('contract', 'k."we""ird tab"',
  '{"contract_id": "no.", "buyer_id": {"value": "b''); DROP TABLE k.dw; --"}, "supplier_id": "m''x", "amount": "a b\"c",
    "method": {"column": "m''x", "codes": {"o''neil": "direct", "x\"); DROP TABLE k.dw; --": "open"}}}')$$,
  'identifiers with quotes, spaces and dots, and values that look like SQL');
SELECT results_eq($$SELECT contract_id, buyer_id, amount, method FROM cleangov_bound.contract ORDER BY 1$$,
                  $$VALUES ('1', 'b''); DROP TABLE k.dw; --', 150::numeric, 'direct'), ('2', 'b''); DROP TABLE k.dw; --', 50::numeric, 'open')$$,
                  'are read as data');
SELECT ok(to_regclass('k.dw') IS NOT NULL, 'and nothing of them ran');
SELECT lives_ok($$SELECT cleangov.watch('k."we""ird tab"'); INSERT INTO k."we""ird tab" VALUES ('3', 1, 'o''neil')$$,
                'the watch trigger of such a table works');

-- a date-only deadline is the end of its day
SELECT cleangov.bind('tender', 'k.xm', '{"tender_id": "xmbh", "buyer_id": "dwbh", "method": {"column": "cgfs", "codes": {"公开招标": "open", "单一来源": "direct"}},
                                        "period_end": "jzsj", "period_start": "fbsj"}');
SELECT is((SELECT period_end FROM cleangov_bound.tender WHERE tender_id = 'X2'),
          ('2024-02-11'::date::timestamptz - interval '1 microsecond'), 'a deadline date is read as the end of that day');
SELECT is((SELECT period_start FROM cleangov_bound.tender WHERE tender_id = 'X2'), '2024-02-01'::date::timestamptz,
          'a start date as its start');
SELECT set_eq($$SELECT column_name, detail LIKE '%end of that day%' FROM cleangov.check_binding('tender') WHERE aspect = 'dates'$$,
              $$VALUES ('period_start', false), ('period_end', true)$$, 'the profile says how each date is read');

-- renamed: the table renamed away is not the one the binding means
SELECT cleangov.watch('k.xm');
ALTER TABLE k.xm RENAME TO xm_old;
SELECT is((SELECT broken FROM cleangov.binding WHERE shape = 'tender'), 'its source k.xm was renamed to k.xm_old',
          'a renamed source breaks the binding');
SELECT ok(to_regclass('cleangov_bound.tender') IS NULL AND NOT EXISTS (SELECT FROM cleangov.watched WHERE source = 'k.xm_old'::regclass),
          'its view and the watch of the renamed table go');
SELECT is((SELECT message FROM cleangov.run(rule_code => 'K_OVER') WHERE false), NULL, 'run() still works');
CREATE TABLE k.xm (xmbh text PRIMARY KEY, dwbh text, cgfs text, jzsj date, fbsj date);
SELECT lives_ok($$SELECT cleangov.rebind('tender')$$, 'rebind() binds the table that now has the name');
SELECT ok((SELECT source = 'k.xm'::regclass AND broken IS NULL FROM cleangov.binding WHERE shape = 'tender')
          AND EXISTS (SELECT FROM cleangov.watched WHERE source = 'k.xm'::regclass), 'and watches it again');
ALTER TABLE k.xm ADD COLUMN note text;
SELECT is((SELECT broken FROM cleangov.binding WHERE shape = 'tender'), NULL, 'an ALTER that renames nothing breaks nothing');

-- a shape bound to a view, watched through its base table
CREATE TABLE k.orders (id int PRIMARY KEY, buyer text, supplier text, price_fen bigint, ref_fen bigint);
CREATE VIEW k.orders_yuan AS SELECT id, buyer, supplier, price_fen / 100.0 AS price, ref_fen / 100.0 AS ref FROM k.orders;
SELECT throws_ok($$SELECT cleangov.bind('contract', 'k.orders_yuan', '{"contract_id": "id", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref"}',
                   reach => '{"k.orders": {"id": "nope"}}')$$, '42703', NULL, 'a reach column that does not exist');
SELECT lives_ok($$SELECT cleangov.bind('contract', 'k.orders_yuan', '{"contract_id": "id", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref"}',
                   reach => '{"k.orders": {"id": "id"}}')$$, 'a view bound with its reach');
SELECT throws_ok($$SELECT cleangov.watch('k.orders_yuan')$$, '42809', NULL, 'a view itself is not watched (its base tables are)');
SELECT lives_ok($$SELECT cleangov.watch('k.orders')$$, 'the base table of the view is watched');
INSERT INTO k.orders VALUES (1, 'b', 's', 13000, 10000), (2, 'b', 's', 10000, 10000);
SELECT set_eq($$SELECT rule_code, subject_key FROM cleangov.alert WHERE subject_key IN ('1', '2')$$, $$VALUES ('K_OVER', '1')$$,
              'a write to the base table raises for the view rows it reaches');

-- broken: a column dropped under the view (CASCADE) takes the view with it
SELECT lives_ok($$ALTER TABLE k.orders DROP COLUMN ref_fen CASCADE$$, 'drop a column under a bound view (CASCADE)');
SELECT is((SELECT broken IS NOT NULL FROM cleangov.binding WHERE shape = 'contract'), true, 'the binding is marked broken');
SELECT set_eq($$SELECT rule_code, status FROM cleangov.run(domain => 'ktest')$$,
              $$VALUES ('K_OVER', 'skipped'), ('K_DIRECT', 'skipped')$$, 'run() skips the rules reading it');
SELECT is((SELECT message FROM cleangov.run_log WHERE rule_code = 'K_OVER' ORDER BY run_id DESC LIMIT 1),
          'the binding of contract is broken: its source k.orders_yuan was dropped', 'and says why');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'nothing is quarantined');
SELECT is((SELECT finding FROM cleangov.check_binding('contract') WHERE aspect = 'broken'),
          'its source k.orders_yuan was dropped', 'the profile shows it');

-- a dropped and reloaded source: rebind restores the binding and its watch
SELECT cleangov.bind('contract', 'k.ht',
  '{"contract_id": {"columns": ["xmbh", "gys"]}, "buyer_id": "t.dwbh", "supplier_id": "gys", "amount": "je", "market_price": "ckj"}',
  '{"t": {"table": "k.xm", "on": {"xmbh": "xmbh"}}}');
DROP TABLE k.ht CASCADE;
SELECT is((SELECT broken FROM cleangov.binding WHERE shape = 'contract'), 'its source k.ht was dropped', 'a dropped source breaks the binding');
CREATE TABLE k.ht (xmbh text, gys text, je numeric, ckj numeric);
SELECT lives_ok($$SELECT cleangov.rebind('contract')$$, 'rebind after the table is loaded again');
SELECT ok((SELECT broken IS NULL FROM cleangov.binding WHERE shape = 'contract')
          AND EXISTS (SELECT FROM cleangov.watched WHERE source = 'k.ht'::regclass), 'the binding and the watch are back');
INSERT INTO k.ht VALUES ('X2', 'E7', 200, 100);
SELECT is((SELECT subject_key FROM cleangov.alert WHERE rule_code = 'K_OVER' AND subject_key = 'X2/E7'), 'X2/E7', 'and writes raise again');
ALTER TABLE k.ht DROP COLUMN ckj CASCADE;
SELECT is((SELECT broken FROM cleangov.binding WHERE shape = 'contract'),
          'the bound view cleangov_bound.contract was dropped (with column k.ht.ckj)', 'a column dropped with CASCADE breaks the binding');
SELECT lives_ok($$SELECT cleangov.unbind('contract')$$, 'unbind works on a broken binding');

-- a shape that reads as empty while unbound (consortium_member): the rules
-- reading it run without it; one that does not (party) stops them
SELECT is(ARRAY(SELECT shape FROM cleangov.shape WHERE unbound_reads_empty ORDER BY 1), '{consortium_member}',
          'consortium_member is the shape that reads as empty while unbound');
SELECT is((SELECT count(*)::int FROM cleangov_bound.consortium_member), 0, 'bind() left its empty view in place');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('K_MEMBER', 'joint bid', '联合体投标', 'ktest', 'bid', '{}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, query) VALUES
 ('K_MEMBER', 'set', $$SELECT m.of_id AS subject_key, NULL::text AS unit_code, '' AS period, 1 AS value,
                              jsonb_build_object('member', m.member_id) AS evidence FROM cleangov_bound.consortium_member m$$);
SELECT is(cleangov.rule_cannot_run(d), NULL, 'a rule reading only consortium_member can run while it is unbound')
  FROM cleangov.rule_definition d WHERE d.rule_code = 'K_MEMBER';
CREATE TABLE k.members (of_kind text, of_id text, member_id text);
INSERT INTO k.members VALUES ('bid', 'B1', 'E1');
SELECT lives_ok($$SELECT cleangov.bind('consortium_member', 'k.members')$$, 'bind() replaces the empty view');
SELECT is((SELECT member_id FROM cleangov_bound.consortium_member), 'E1', 'which then reads the source');
SELECT lives_ok($$SELECT * FROM cleangov.run('K_MEMBER')$$, 'run the rule');
SELECT is((SELECT evidence ->> 'member' FROM cleangov.alert WHERE rule_code = 'K_MEMBER' AND subject_key = 'B1'), 'E1',
          'and the rule raises over it');
SELECT lives_ok($$SELECT cleangov.unbind('consortium_member')$$, 'unbind()');
SELECT is((SELECT count(*)::int FROM cleangov_bound.consortium_member), 0, 'puts the empty view back');
SELECT is(cleangov.rule_cannot_run(d), 'shape party is not bound', 'an unbound party still stops R044')
  FROM cleangov.rule_definition d WHERE d.rule_code = 'R044';

SELECT * FROM finish();
ROLLBACK;
