-- The rights model for the SQL of profile sources and SQL-defined
-- indicators (issue 11): a source query runs with its owner's rights (its
-- author, or a role the author is a member of), never with the rights of
-- whoever calls person_profile or index_compute; it is compiled with the
-- owner's rights when written; a right the owner lacks later is 42501
-- naming the source.
BEGIN;
SELECT plan(30);
SET client_min_messages = error;

CREATE SCHEMA ir;
CREATE TABLE ir.secret (x int);                       -- nobody but the superuser reads it
CREATE TABLE ir.shared (person_key text, n float8);   -- the admin reads it
INSERT INTO ir.shared VALUES ('P1', 3);
CREATE TABLE ir.log (who name);
CREATE FUNCTION ir.who() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_user::text $$;
CREATE FUNCTION ir.note() RETURNS float8 LANGUAGE sql AS $$ INSERT INTO ir.log VALUES (current_user) RETURNING 1::float8 $$;
CREATE ROLE ir_admin NOLOGIN IN ROLE cleangov_admin;
CREATE ROLE ir_admin2 NOLOGIN IN ROLE cleangov_admin;
CREATE ROLE ir_other NOLOGIN;
CREATE ROLE ir_analyst NOLOGIN IN ROLE cleangov_analyst;
GRANT USAGE ON SCHEMA ir TO ir_admin, ir_admin2;
GRANT SELECT ON ir.shared TO ir_admin, ir_admin2;
GRANT INSERT ON ir.log TO ir_admin, ir_admin2;

INSERT INTO cleangov.unit (unit_code, name, name_zh) VALUES ('IRU', 'ir unit', 'ir unit');
INSERT INTO cleangov.index_person (person_key, unit_code) VALUES ('P1', 'IRU');
INSERT INTO cleangov.index_framework (framework_code, name, person_rule) VALUES ('ir', 'rights', 'none');

-- written by a non-superuser admin ------------------------------------------
SET ROLE ir_admin;
SELECT throws_ok($$INSERT INTO cleangov.profile_source (section, source_query)
                   VALUES ('leak', 'SELECT ''x'' AS item, NULL AS period, x::float8 AS value, NULL::jsonb AS detail FROM ir.secret')$$,
                 '42501', 'query of profile section leak is not valid: permission denied for table secret',
                 'a profile source over a table the admin may not read is refused when written');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, name, method, worst, best, subject_kinds, source_query)
                   VALUES ('ir', 'LEAK', 'leak', 'bounds', 10, 0, '{unit}', 'SELECT ''unit'' AS subject_kind, ''IRU'' AS subject_key, x AS value FROM ir.secret')$$,
                 '42501', 'source query of indicator LEAK is not valid: permission denied for table secret',
                 'so is an indicator');
SELECT throws_ok($$INSERT INTO cleangov.profile_source (section, source_query, owner)
                   VALUES ('other', 'SELECT ''x'' AS item, NULL AS period, NULL::float8 AS value, NULL::jsonb AS detail', 'ir_other')$$,
                 '42501', 'profile section other: ir_admin may not make ir_other its owner',
                 'an owner the author is not a member of is refused (profile source)');
SELECT throws_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, name, method, worst, best, subject_kinds, source_query, owner)
                   VALUES ('ir', 'OTHER', 'other', 'bounds', 10, 0, '{unit}', 'SELECT ''unit'' AS subject_kind, ''IRU'' AS subject_key, 1 AS value', 'ir_other')$$,
                 '42501', 'indicator OTHER of framework ir: ir_admin may not make ir_other its owner',
                 'an owner the author is not a member of is refused (indicator)');
SELECT throws_ok($$INSERT INTO cleangov.profile_source (section, source_query, owner)
                   VALUES ('ghost', 'SELECT ''x'' AS item, NULL AS period, NULL::float8 AS value, NULL::jsonb AS detail', 'ir_no_such_role')$$,
                 '42704', NULL, 'an owner that is not a role is refused');
SELECT lives_ok($$INSERT INTO cleangov.profile_source (section, source_query)
                  VALUES ('who', 'SELECT ''who'' AS item, NULL AS period, s.n AS value,
                                         jsonb_build_object(''user'', ir.who(), ''key'', $1) AS detail
                                    FROM ir.shared s WHERE s.person_key = $1')$$,
                'the admin writes a profile source');
SELECT lives_ok($$INSERT INTO cleangov.indicator (framework_code, indicator_code, name, method, worst, best, subject_kinds, source_query)
                  VALUES ('ir', 'WHO', 'who', 'bounds', 10, 0, '{unit}',
                          'SELECT ''unit'' AS subject_kind, ''IRU'' AS subject_key,
                                  CASE WHEN ir.who() = ''ir_admin'' THEN 1 ELSE 2 END * ir.note() * count(*) AS value
                             FROM ir.shared s WHERE $1 = ''2024''')$$,
                'and an indicator');
RESET ROLE;
SELECT results_eq($$SELECT owner FROM cleangov.profile_source WHERE section = 'who'
                    UNION ALL SELECT owner FROM cleangov.indicator WHERE framework_code = 'ir'$$,
                  $$VALUES ('ir_admin'::name), ('ir_admin'::name)$$, 'each is owned by its author');
SELECT is((SELECT count(*)::int FROM ir.log), 0, 'checking a query when it is written leaves nothing behind');

-- the generated functions ----------------------------------------------------
SELECT results_eq($$SELECT p.proname::text COLLATE "default", p.proowner::regrole::text, p.prosecdef, p.proconfig::text COLLATE "default"
                      FROM pg_proc p WHERE p.pronamespace = 'cleangov_bound'::regnamespace
                       AND p.proname ~ '^(index|profile)_sources_' ORDER BY 1$$,
                  $$VALUES ('index_sources_' || 'ir_admin'::regrole::oid, 'ir_admin', true, '{"search_path=pg_catalog, pg_temp"}'),
                           ('profile_sources_' || 'ir_admin'::regrole::oid, 'ir_admin', true, '{"search_path=pg_catalog, pg_temp"}')$$,
                  'one security definer function per owner and kind, owned by the owner, search_path pinned');
SELECT ok(NOT has_function_privilege('ir_other', format('cleangov_bound.index_sources_%s(text, text, text)', 'ir_admin'::regrole::oid), 'EXECUTE')
          AND NOT has_function_privilege('ir_other', format('cleangov_bound.profile_sources_%s(text, text)', 'ir_admin'::regrole::oid), 'EXECUTE'),
          'PUBLIC may execute neither');
SELECT ok(has_function_privilege('cleangov_admin', format('cleangov_bound.index_sources_%s(text, text, text)', 'ir_admin'::regrole::oid), 'EXECUTE')
          AND NOT has_function_privilege('cleangov_analyst', format('cleangov_bound.index_sources_%s(text, text, text)', 'ir_admin'::regrole::oid), 'EXECUTE')
          AND has_function_privilege('cleangov_inspector', format('cleangov_bound.profile_sources_%s(text, text)', 'ir_admin'::regrole::oid), 'EXECUTE'),
          'the indicators'' function to the admins (index_compute), the profile''s to the roles that may call person_profile');

-- a superuser calls: the SQL runs as its owner --------------------------------
SELECT ok((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), 'the caller below is a superuser');
SELECT results_eq($$SELECT item, value, detail FROM cleangov.person_profile('P1') WHERE section = 'who'$$,
                  $$VALUES ('who'::text, 3::float8, '{"key": "P1", "user": "ir_admin"}'::jsonb)$$,
                  'person_profile runs a profile source with its owner''s rights, not the superuser''s');
SELECT lives_ok($$SELECT * FROM cleangov.index_compute('ir', '2024', false)$$, 'index_compute runs');
SELECT is((SELECT value FROM cleangov.indicator_value WHERE framework_code = 'ir' AND indicator_code = 'WHO' AND period = '2024'),
          1::float8, 'index_compute runs an indicator''s query with its owner''s rights');
SELECT is((SELECT array_agg(who) FROM ir.log), ARRAY['ir_admin']::name[], 'current_user inside is the owner, never the superuser');
SET ROLE ir_analyst;
SELECT is((SELECT detail ->> 'user' FROM cleangov.person_profile('P1') WHERE section = 'who'), 'ir_admin',
          'an analyst calling person_profile also gets the section as its owner runs it');
RESET ROLE;

-- a superuser writing for an owner: checked with the owner's rights ----------
SELECT throws_ok($$UPDATE cleangov.profile_source SET source_query = 'SELECT ''x'' AS item, NULL AS period, x::float8 AS value, NULL::jsonb AS detail FROM ir.secret'
                    WHERE section = 'who'$$,
                 '42501', 'query of profile section who is not valid: permission denied for table secret',
                 'a superuser changing the query of a source it leaves to ir_admin: compiled with ir_admin''s rights');

-- another admin --------------------------------------------------------------
SET ROLE ir_admin2;
UPDATE cleangov.profile_source SET sort_order = 5 WHERE section = 'who';
SELECT is((SELECT owner FROM cleangov.profile_source WHERE section = 'who'), 'ir_admin'::name,
          'changing anything but the SQL keeps the owner');
SELECT throws_ok($$UPDATE cleangov.indicator SET owner = 'ir_other' WHERE indicator_code = 'WHO'$$,
                 '42501', NULL, 'making the owner a role one is not a member of is refused');
UPDATE cleangov.indicator SET source_query = replace(source_query, '''ir_admin''', '''ir_admin2''') WHERE indicator_code = 'WHO';
RESET ROLE;
SELECT is((SELECT owner FROM cleangov.indicator WHERE indicator_code = 'WHO'), 'ir_admin2'::name,
          'an admin who changes the SQL of a source owned by a role it is not a member of becomes its owner');
SELECT lives_ok($$SELECT * FROM cleangov.index_compute('ir', '2024', false)$$, 'index_compute runs again');
SELECT is((SELECT array_agg(who ORDER BY who) FROM ir.log), ARRAY['ir_admin', 'ir_admin2']::name[],
          'now with the new owner''s rights');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'cleangov_bound'::regnamespace
            AND p.proname = 'index_sources_' || 'ir_admin'::regrole::oid), 0,
          'the function of an owner that owns no indicator any more is dropped');

-- a right revoked later ------------------------------------------------------
REVOKE SELECT ON ir.shared FROM ir_admin, ir_admin2;
SELECT throws_ok($$SELECT * FROM cleangov.person_profile('P1')$$,
                 '42501', 'profile section who: its owner ir_admin lacks a right: permission denied for table shared',
                 'person_profile: a right the owner lost is 42501 naming the source, not a silent skip');
SELECT throws_ok($$SELECT * FROM cleangov.index_compute('ir', '2024', false)$$,
                 '42501', 'indicator WHO of framework ir: its owner ir_admin2 lacks a right: permission denied for table shared',
                 'index_compute: the same');
DELETE FROM cleangov.profile_source WHERE section = 'who';
DELETE FROM cleangov.index_framework WHERE framework_code = 'ir';

-- shipped: owned by the extension's owner -------------------------------------
SET ROLE ir_admin;
SELECT lives_ok($$SELECT cleangov.index_install_pizhou()$$, 'a non-superuser admin installs the Pizhou framework');
RESET ROLE;
SELECT is((SELECT owner FROM cleangov.indicator WHERE framework_code = 'pizhou' AND indicator_code = 'D2.3.1'),
          (SELECT extowner::regrole::name FROM pg_extension WHERE extname = 'cleangov'),
          'its SQL-defined indicator is owned by the extension''s owner');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'cleangov_bound'::regnamespace
            AND p.proname ~ '^(index|profile)_sources_' AND p.proowner <> (SELECT extowner FROM pg_extension WHERE extname = 'cleangov')), 0,
          'and run by a function the extension''s owner owns');

SELECT * FROM finish();
ROLLBACK;
