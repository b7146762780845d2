-- The rule rights model (issue 11, findings 2, 4, 5): placeholders are
-- rendered only where the author wrote SQL and values are always data; a
-- rule runs with its owner's rights, in watch triggers and in run(); a writer
-- of a watched table needs nothing of cleangov; keys of any length are
-- alerted on; deleting, unbinding and dropping never quarantine a rule.
BEGIN;
SELECT plan(54);
SET client_min_messages = error;

-- rendering -----------------------------------------------------------------
SELECT is(cleangov.rule_sql_split($q$a {x} '{y}' E'\'{z}' $t$ {w} $t$ "{v}" -- {u}
/* {s} /* {r} */ {q} */ b$x$ {p} $$ {o} $$ $1{n}$$ e'$$' {m}$q$),
          ARRAY[$q$a $q$, 'x', $q$ '{y}' E'\'{z}' $t$ {w} $t$ "{v}" -- {u}
/* {s} /* {r} */ {q} */ b$x$ $q$, 'p', $q$ $$ {o} $$ $1$q$, 'n', $q$$$ e'$$' {m}$q$],
          'placeholders are found only outside literals, dollar quotes, quoted identifiers and comments');
SELECT is(cleangov.rule_render($q$r.evidence #>> '{a}' = {a} AND r.x ~ '\d{4}'$q$, '{"a": "b"}', 'T'),
          $q$r.evidence #>> '{a}' =  'b'  AND r.x ~ '\d{4}'$q$, 'a jsonb path and a regular expression stay as written');
SELECT is(cleangov.rule_literal('0.2', 'a'), $$'0.2'::numeric$$, 'a number is a quoted numeric');
SELECT is(cleangov.rule_literal($$"x'); DROP TABLE t; --"$$, 'a'), $$'x''); DROP TABLE t; --'$$, 'a string is quoted');
SELECT is(cleangov.rule_literal($$"a\\b"$$, 'a'), $$E'a\\b'$$, 'a backslash is quoted');
SELECT is(cleangov.rule_literal('[1, null, 2.5]', 'a'), $$ARRAY['1',NULL,'2.5']::numeric[]$$, 'numbers of an array are quoted one by one');
SELECT is(cleangov.rule_literal($$["a'b", null]$$, 'a'), $$ARRAY['a''b',NULL]::text[]$$, 'strings of an array, NULL kept');
SELECT is(cleangov.rule_literal($${"x": 1, "a'b": "c"}$$, 'a'), $$'{"x": 1, "a''b": "c"}'::jsonb$$, 'an object of scalars is one quoted jsonb literal');
SELECT throws_ok($$SELECT cleangov.rule_literal('{"x": {"y": 1}}', 'a')$$, '22023', NULL, 'an object holding an object is refused');
SELECT throws_ok($$SELECT cleangov.rule_literal('{"x": [1]}', 'a')$$, '22023', NULL, 'an object holding an array is refused');
SELECT throws_ok($$SELECT cleangov.rule_literal('[[1]]', 'a')$$, '22023', NULL, 'a nested array is refused');
SELECT throws_ok($$SELECT cleangov.rule_literal('[{"x": 1}]', 'a')$$, '22023', NULL, 'an array of objects is refused');

-- a hostile admin ------------------------------------------------------------
CREATE SCHEMA rr;
CREATE TABLE rr.pwned (who name, at timestamptz DEFAULT now());
CREATE FUNCTION rr.pwn() RETURNS text LANGUAGE sql AS $$ INSERT INTO rr.pwned (who) VALUES (current_user) RETURNING 'x' $$;
-- no btree on the key: the table holds keys of any length
CREATE TABLE rr.orders (no text, buyer text, supplier text, price numeric, ref numeric, unit text);
SELECT cleangov.bind('contract', 'rr.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref", "unit_code": "unit"}');
CREATE TABLE rr.pay (id text PRIMARY KEY, unit text, cat text, amount numeric, paid timestamptz DEFAULT now());
SELECT cleangov.bind('expense', 'rr.pay', '{"expense_id": "id", "unit_code": "unit", "category": "cat", "paid_at": "paid"}');
UPDATE cleangov.rule SET enabled = false WHERE domain <> 'rrtest';
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('RR_BIG', 'big', '大额', 'rrtest', 'contract', '{"limit": 1000}', 'blue'),
 ('RR_HOSTILE{s}', 'hostile', '恶意', 'rrtest', 'k{s}', '{"s": "x", "limit": 1000}', 'blue'),
 ('RR_PAY', 'big payment', '大额支出', 'rrtest', 'expense', '{"limit": 1000}', 'blue');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, evidence_expr) VALUES
 ('RR_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', NULL),
 ('RR_HOSTILE{s}', 'row', 'contract', 'r.amount > {limit} AND {s} IS NOT NULL', 'r.amount',
  $$jsonb_build_object('s', {s}, 'lit', '{s}')$$),
 ('RR_PAY', 'row', 'expense', 'r.amount > {limit}', 'r.amount', NULL);
SELECT cleangov.watch('rr.orders');
SELECT cleangov.watch('rr.pay');

-- the admin (not a superuser) sets a threshold that would break out of the
-- quotes of the subject kind and of the rule code
CREATE ROLE rr_admin NOLOGIN IN ROLE cleangov_admin;
GRANT USAGE ON SCHEMA rr TO rr_admin;
CREATE TEMP TABLE hostile AS SELECT $h$'||rr.pwn()||'\ '' $$ $x$ */ ; $h$ || E'\n--' AS v;
GRANT SELECT ON hostile TO rr_admin;
SET ROLE rr_admin;
UPDATE cleangov.rule SET thresholds = jsonb_build_object('s', (SELECT v FROM hostile), 'limit', 1000)
 WHERE rule_code = 'RR_HOSTILE{s}';
RESET ROLE;
INSERT INTO rr.orders VALUES ('1', 'b', 's', 5000, 100, 'u');
SELECT results_eq($$SELECT rule_code, subject_kind, evidence ->> 's', evidence ->> 'lit' FROM cleangov.alert WHERE subject_key = '1' ORDER BY rule_code$$,
                  $$VALUES ('RR_BIG', 'contract', NULL, NULL), ('RR_HOSTILE{s}', 'k{s}', (SELECT v FROM hostile), '{s}')$$,
                  'a watch trigger: the alert carries the exact texts, the value is data');
SELECT is((SELECT count(*)::int FROM cleangov.run(domain => 'rrtest') WHERE status = 'ok'), 3, 'run() runs the rules');
SELECT is((SELECT count(*)::int FROM rr.pwned), 0, 'nothing of the threshold ever executed');
SELECT is((SELECT count(*)::int FROM cleangov.rule_failure), 0, 'and no rule failed');

-- writers need nothing of cleangov -------------------------------------------
CREATE ROLE rr_writer NOLOGIN;
GRANT USAGE ON SCHEMA rr TO rr_writer;
GRANT INSERT, UPDATE ON rr.orders, rr.pay TO rr_writer;
GRANT SELECT (no) ON rr.orders TO rr_writer;   -- for the WHERE of its UPDATE
SELECT ok(NOT has_schema_privilege('rr_writer', 'cleangov', 'USAGE'), 'the writer has no USAGE on schema cleangov');
SET ROLE rr_writer;
SELECT lives_ok($$INSERT INTO rr.orders VALUES ('2', 'b', 's', 6000, 100, 'u')$$, 'a plain writer inserts into a watched table');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = '2'), 2, 'and the same alerts are raised');
SET ROLE rr_writer;
UPDATE rr.orders SET price = 7000 WHERE no = '2';
RESET ROLE;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = '2' AND value = 7000), 2, 'an UPDATE too');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'lacking rights quarantines nothing');
SELECT is((SELECT array_agg(DISTINCT a.by_role) FROM cleangov.alert_event a JOIN cleangov.alert x USING (alert_id) WHERE x.subject_key = '2'),
          ARRAY['rr_writer']::name[], 'the events name the writer');

-- a rule runs with its owner's rights ----------------------------------------
SELECT is((SELECT array_agg(DISTINCT p.proowner::regrole::text) FROM pg_proc p
            WHERE p.pronamespace = 'cleangov_bound'::regnamespace AND p.prosecdef),
          ARRAY[current_user::text], 'the generated functions are security definers owned by the rules'' owner');
SELECT is((SELECT array_agg(DISTINCT owner) FROM cleangov.rule_definition WHERE rule_code LIKE 'RR%'),
          ARRAY[current_user]::name[], 'a definition is owned by its author');
GRANT SELECT, INSERT, UPDATE ON cleangov.rule_definition TO rr_admin;
GRANT USAGE ON SCHEMA cleangov_bound TO rr_admin;
GRANT SELECT ON cleangov_bound.contract, cleangov.rule_exemption, cleangov.shape, cleangov.shape_column, cleangov.binding TO rr_admin;
GRANT EXECUTE ON FUNCTION cleangov.record_rule_failure(text, text, text, text, text) TO rr_admin;
GRANT INSERT ON rr.pwned TO rr_admin;
SET ROLE rr_admin;
SELECT throws_ok($$INSERT INTO cleangov.rule_definition (rule_code, kind, query, owner) VALUES ('RR_PAY2', 'set', 'SELECT 1', 'postgres')$$,
                 '42501', NULL, 'an author may not give a rule an owner it is not a member of');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET condition = 'r.amount > {limit} AND rr.pwn() IS NOT NULL' WHERE rule_code = 'RR_BIG'$$,
                 '42501', 'permission denied for table orders', 'an admin may not write a rule over a table it may not read');
RESET ROLE;
-- bind() would let the rules (shipped ones run as the extension owner) read a
-- table the binder may not read, and put its rows into evidence
CREATE TABLE rr.secret (id text, unit text, cat text, paid date, amount numeric);
SET ROLE rr_admin;
SELECT throws_ok($$SELECT cleangov.bind('expense', 'rr.secret', '{"expense_id": "id", "unit_code": "unit", "category": "cat", "paid_at": "paid"}')$$,
                 '42501', 'permission denied for table secret', 'an admin may not bind a table it may not read');
RESET ROLE;
GRANT SELECT ON rr.orders TO rr_admin;
SET ROLE rr_admin;
-- the admin rewrites a rule's SQL: the rule now runs with the admin's rights
UPDATE cleangov.rule_definition SET condition = 'r.amount > {limit} AND rr.pwn() IS NOT NULL' WHERE rule_code = 'RR_BIG';
RESET ROLE;
SELECT is((SELECT owner FROM cleangov.rule_definition WHERE rule_code = 'RR_BIG'), 'rr_admin'::name,
          'an author who changes the SQL of a rule owned by a role it does not have becomes its owner');
SELECT is((SELECT p.proowner::regrole::text FROM pg_proc p WHERE p.proname = 'watch_' || 'rr.orders'::regclass::oid || '_' || 'rr_admin'::regrole::oid),
          'rr_admin', 'its watch function is its own, owned by the admin');
SET ROLE rr_writer;
INSERT INTO rr.orders VALUES ('3', 'b', 's', 9000, 100, 'u');
RESET ROLE;
SELECT is((SELECT array_agg(DISTINCT who::text) FROM rr.pwned), ARRAY['rr_admin'], 'the admin''s SQL ran as the admin, for the writer''s insert');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = '3'), 2, 'both rules raise');
SELECT is((SELECT status FROM cleangov.run('RR_BIG')), 'ok', 'run() runs it');
SELECT is((SELECT array_agg(DISTINCT who::text) FROM rr.pwned), ARRAY['rr_admin'], 'as the admin, not as the superuser calling run()');
-- the admin loses the right to read the table
REVOKE SELECT ON rr.orders FROM rr_admin;
SET ROLE rr_writer;
SELECT lives_ok($$INSERT INTO rr.orders VALUES ('4', 'b', 's', 9000, 100, 'u')$$, 'a write goes on when a rule''s owner lost a right');
RESET ROLE;
SELECT is((SELECT array_agg(rule_code) FROM cleangov.alert WHERE subject_key = '4'), ARRAY['RR_HOSTILE{s}'],
          'the other owner''s rules still raise');
SELECT results_eq($$SELECT status, message FROM cleangov.run('RR_BIG')$$,
                  $$VALUES ('skipped', 'not run: its owner rr_admin may not read rr.orders')$$,
                  'run() skips the rule as its owner may not read the table');
SELECT cleangov.rewatch('rr.orders');
SELECT is((SELECT string_agg(format('%s %s %s', source, rule_code, owner), ', ') FROM cleangov.watch_skip),
          'rr.orders RR_BIG rr_admin', 'the watch leaves the rule out and says so');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.proname = 'watch_' || 'rr.orders'::regclass::oid || '_' || 'rr_admin'::regrole::oid),
          0, 'and drops the admin''s function');
SELECT is((SELECT count(*)::int FROM cleangov.rule_failure), 0, 'no failure was recorded on the way');
GRANT SELECT ON rr.orders TO rr_admin;
UPDATE cleangov.rule_definition SET condition = 'r.amount > {limit}' WHERE rule_code = 'RR_BIG';
SELECT is((SELECT owner FROM cleangov.rule_definition WHERE rule_code = 'RR_BIG'), 'rr_admin'::name,
          'a superuser editing it leaves the owner (it is a member of every role)');

-- keys of any length ---------------------------------------------------------
CREATE TEMP TABLE long_keys AS
SELECT n, (SELECT string_agg(md5(random()::text || i), '') FROM generate_series(1, n / 32 + 1) i) AS k
  FROM (VALUES (3000), (100000)) v(n);
UPDATE long_keys SET k = left(k, n);
INSERT INTO rr.orders SELECT k, 'b', 's', 5000, 100, 'u' FROM long_keys;
SELECT is((SELECT count(*)::int FROM cleangov.alert a JOIN long_keys l ON a.subject_key = l.k AND a.rule_code = 'RR_HOSTILE{s}'), 2,
          'keys of 3,000 and 100,000 characters are alerted on by the watch trigger, whole');
SELECT is((SELECT count(*)::int FROM cleangov.rule_quarantine), 0, 'and quarantine nothing');
UPDATE rr.orders SET price = 6000 WHERE length(no) > 1000;
SELECT is((SELECT count(*)::int FROM cleangov.alert a JOIN long_keys l ON a.subject_key = l.k WHERE a.rule_code = 'RR_BIG' AND a.value = 6000), 2,
          'a second hit of a long key refreshes its one open alert');
SELECT set_eq($$SELECT r.rule_code, r.status FROM cleangov.run(domain => 'rrtest') r$$,
              $$VALUES ('RR_BIG', 'ok'), ('RR_HOSTILE{s}', 'ok'), ('RR_PAY', 'ok')$$, 'run() over long keys');
SELECT is((SELECT count(*)::int FROM cleangov.alert a JOIN long_keys l ON a.subject_key = l.k), 4,
          'one open alert per rule and long key, whoever raised it');

-- deleting, unbinding, dropping ---------------------------------------------
INSERT INTO rr.pay VALUES ('p1', 'u', 'c', 5000);
DELETE FROM rr.orders WHERE no = '1';
SELECT is((SELECT count(*)::int FROM cleangov.run(domain => 'rrtest') WHERE status = 'ok'), 3, 'after a DELETE of a breaching row run() is ok');
SELECT lives_ok($$SELECT cleangov.unbind('contract')$$, 'unbind a watched shape');
SELECT set_eq($$SELECT r.rule_code, r.status FROM cleangov.run(domain => 'rrtest') r$$,
              $$VALUES ('RR_BIG', 'skipped'), ('RR_HOSTILE{s}', 'skipped'), ('RR_PAY', 'ok')$$, 'run() skips the unbound shape''s rules');
INSERT INTO rr.orders VALUES ('5', 'b', 's', 9000, 100, 'u');
INSERT INTO rr.pay VALUES ('p2', 'u', 'c', 5000);
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 'p2'), 1, 'writes to the other watched table still raise');
SELECT cleangov.bind('contract', 'rr.orders',
  '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price", "market_price": "ref", "unit_code": "unit"}');
SELECT lives_ok($$DROP TABLE rr.orders CASCADE$$, 'drop a bound and watched table');
SELECT is((SELECT count(*)::int FROM cleangov.binding WHERE shape = 'contract' AND broken IS NULL) + (SELECT count(*)::int FROM cleangov.watched WHERE source::oid NOT IN (SELECT oid FROM pg_class)),
          0, 'its watch is forgotten and its binding marked broken');
SELECT set_eq($$SELECT r.rule_code, r.status FROM cleangov.run(domain => 'rrtest') r$$,
              $$VALUES ('RR_BIG', 'skipped'), ('RR_HOSTILE{s}', 'skipped'), ('RR_PAY', 'ok')$$, 'run() skips the dropped table''s rules');
INSERT INTO rr.pay VALUES ('p3', 'u', 'c', 5000);
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 'p3'), 1, 'writes to the other watched table still raise');
SELECT is((SELECT count(*)::int FROM cleangov.rule_failure), 0, 'no rule failed: nothing is quarantined');

SELECT * FROM finish();
ROLLBACK;
