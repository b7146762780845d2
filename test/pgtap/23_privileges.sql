-- The privilege matrix (doc/privileges.tsv, shown in doc/privileges.md): for
-- every function, aggregate, procedure, table, view and sequence of the
-- extension and every role (the three cleangov roles, a plain writer of a
-- user table, PUBLIC), allowed or refused.  The objects are read from the
-- catalog, so an object without a row in the matrix fails; every cell is
-- checked twice: against the catalog (has_*_privilege) and by acting as the
-- role (SET ROLE) -- refused is 42501 "permission denied for ...", allowed is
-- anything else.  Then the rules that keep the class closed: nothing SECURITY
-- DEFINER or writing is executable by PUBLIC unless the matrix says why, and
-- every function pins its search_path or cannot be hijacked without it.
BEGIN;
SELECT plan(24);
SET LOCAL client_min_messages = warning;
-- regprocedure::text without the schema, as the matrix spells functions
SET LOCAL search_path = cleangov, public, pg_catalog;

\set matrix_text `cat doc/privileges.tsv`
CREATE TEMP TABLE matrix (kind text, object text, cleangov_admin text, cleangov_analyst text,
                          cleangov_inspector text, writer text, public text, why text);
INSERT INTO matrix
SELECT f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]
  FROM (SELECT string_to_array(line, E'\t') f
          FROM regexp_split_to_table(:'matrix_text', E'\n') WITH ORDINALITY l(line, n)
         WHERE n > 1 AND line <> '') s;

SELECT is((SELECT count(*)::int FROM matrix WHERE why IS NULL OR why = '' OR kind IS NULL
              OR NOT (kind IN ('function', 'aggregate', 'procedure')
                      AND cleangov_admin || cleangov_analyst || cleangov_inspector || writer || public ~ '^[X-]{5}$'
                   OR kind = 'sequence'
                      AND cleangov_admin || cleangov_analyst || cleangov_inspector || writer || public ~ '^[U-]{5}$'
                   OR kind IN ('table', 'view')
                      AND (SELECT bool_and(c ~ '^(r?a?w?d?|-)$' AND c <> '')
                             FROM unnest(ARRAY[cleangov_admin, cleangov_analyst, cleangov_inspector, writer, public]) c))),
          0, 'every row of the matrix is well formed and says why');

-- The objects of the extension, from the catalog.
CREATE TEMP TABLE obj AS
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
       p.oid::regprocedure::text AS object, p.oid, p.proname::text AS name
  FROM pg_proc p WHERE p.pronamespace = 'cleangov'::regnamespace
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'S' THEN 'sequence' ELSE 'table' END, c.relname::text, c.oid,
       c.relname::text
  FROM pg_class c WHERE c.relnamespace = 'cleangov'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S');

SELECT is(ARRAY(SELECT o.kind || ' ' || o.object FROM obj o
                 WHERE NOT EXISTS (SELECT FROM matrix m WHERE m.kind = o.kind AND m.object = o.object)
                 ORDER BY 1),
          '{}', 'every object of the extension has a row in the matrix (add one to doc/privileges.tsv)');
SELECT is(ARRAY(SELECT m.kind || ' ' || m.object FROM matrix m
                 WHERE NOT EXISTS (SELECT FROM obj o WHERE m.kind = o.kind AND m.object = o.object)
                 ORDER BY 1),
          '{}', 'every row of the matrix names an object of the extension');

-- One test role per column.  t_priv_public has nothing but USAGE on the schema:
-- what any role with USAGE inherits from PUBLIC.  The writer may write a user
-- table and has nothing of cleangov.
CREATE ROLE t_priv_admin IN ROLE cleangov_admin;
CREATE ROLE t_priv_analyst IN ROLE cleangov_analyst;
CREATE ROLE t_priv_inspector IN ROLE cleangov_inspector;
CREATE ROLE t_priv_writer;
CREATE ROLE t_priv_public;
GRANT USAGE ON SCHEMA cleangov TO t_priv_public;
CREATE TABLE public.priv_src (id int PRIMARY KEY, amount numeric);
GRANT SELECT, INSERT, UPDATE ON public.priv_src TO t_priv_writer;
CREATE TEMP TABLE col (col text, role name);
INSERT INTO col VALUES ('cleangov_admin', 't_priv_admin'), ('cleangov_analyst', 't_priv_analyst'),
  ('cleangov_inspector', 't_priv_inspector'), ('writer', 't_priv_writer'), ('public', 't_priv_public');

CREATE TEMP TABLE cell AS
SELECT o.kind, o.object, c.col, (to_jsonb(m) ->> c.col) AS want
  FROM obj o JOIN matrix m USING (kind, object) CROSS JOIN col c;

-- What the catalog grants.  For PUBLIC: the grants to PUBLIC on the object
-- itself (the default ACL of a function includes them).
CREATE FUNCTION pg_temp.granted(o obj, c col) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN c.col = 'public' THEN
      coalesce(nullif((SELECT string_agg(l, '' ORDER BY p) FROM (
        SELECT CASE a.privilege_type WHEN 'EXECUTE' THEN 'X' WHEN 'USAGE' THEN 'U' WHEN 'SELECT' THEN 'r'
                                     WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'w' WHEN 'DELETE' THEN 'd' END,
               array_position(ARRAY['X', 'U', 'r', 'a', 'w', 'd'],
                 CASE a.privilege_type WHEN 'EXECUTE' THEN 'X' WHEN 'USAGE' THEN 'U' WHEN 'SELECT' THEN 'r'
                                       WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'w' WHEN 'DELETE' THEN 'd' END)
          FROM aclexplode(CASE WHEN o.kind IN ('function', 'aggregate', 'procedure')
                               THEN (SELECT coalesce(proacl, acldefault('f'::"char", proowner)) FROM pg_proc WHERE oid = o.oid)
                               ELSE (SELECT coalesce(relacl, acldefault(CASE relkind WHEN 'S' THEN 's'::"char" ELSE 'r'::"char" END, relowner))
                                       FROM pg_class WHERE oid = o.oid) END) a
         WHERE a.grantee = 0
           AND (o.kind <> 'sequence' AND a.privilege_type IN ('EXECUTE', 'SELECT', 'INSERT', 'UPDATE', 'DELETE')
                OR o.kind = 'sequence' AND a.privilege_type = 'USAGE')) g(l, p)), ''), '-')
    WHEN NOT has_schema_privilege(c.role, 'cleangov', 'USAGE') THEN '-'
    WHEN o.kind IN ('function', 'aggregate', 'procedure') THEN
      CASE WHEN has_function_privilege(c.role, o.oid, 'EXECUTE') THEN 'X' ELSE '-' END
    WHEN o.kind = 'sequence' THEN
      CASE WHEN has_sequence_privilege(c.role, o.oid, 'USAGE') THEN 'U' ELSE '-' END
    ELSE coalesce(nullif(concat(
      CASE WHEN has_table_privilege(c.role, o.oid, 'SELECT') THEN 'r' END,
      CASE WHEN has_table_privilege(c.role, o.oid, 'INSERT') THEN 'a' END,
      CASE WHEN has_table_privilege(c.role, o.oid, 'UPDATE') THEN 'w' END,
      CASE WHEN has_table_privilege(c.role, o.oid, 'DELETE') THEN 'd' END), ''), '-') END
$$;

SELECT is(ARRAY(SELECT x.object || ': ' || x.want || ' expected, ' || pg_temp.granted(o, c) || ' granted'
                  FROM cell x JOIN obj o USING (kind, object) JOIN col c USING (col)
                 WHERE x.col = cc.col AND x.want <> pg_temp.granted(o, c) ORDER BY 1),
          '{}', 'catalog: column ' || cc.col || ' of the matrix is what is granted')
  FROM col cc ORDER BY cc.col;

-- Acting as the role: each call or statement runs in a subtransaction that is
-- always rolled back (a forced error at the end), so nothing it does stays.
CREATE FUNCTION pg_temp.act(role name, stmt text, denial text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE format('SET LOCAL ROLE %I', role);
    EXECUTE stmt;
    RAISE EXCEPTION 'probe done' USING ERRCODE = 'P0999';
  EXCEPTION WHEN OTHERS THEN
    RETURN CASE WHEN SQLSTATE = '42501' AND SQLERRM ~ denial THEN 'refused' ELSE 'allowed' END;
  END;
END
$$;

-- One probe per (object, privilege).  A probe is EXPLAINed, not run:
-- PostgreSQL checks EXECUTE and table privileges when the executor starts,
-- which EXPLAIN does, so the answer is the same and a probe can neither
-- change anything nor trip over its NULL arguments.  The arguments are
-- sub-selects, not constants, so that the planner cannot fold a STRICT call
-- on NULL away before the check.  Routines taking pseudo-types (internal)
-- cannot be called from SQL: they are checked in the catalog only.  The one
-- procedure is CALLed (CALL checks EXECUTE before it runs anything); a
-- sequence is probed with nextval().  The closed-loop suites (20_alerts,
-- 22_access) make the real calls.  Types are spelt with their schema, so that
-- a role without USAGE on it is refused for the schema.
SET LOCAL search_path = pg_catalog, public;
CREATE TEMP TABLE probe AS
SELECT o.kind, o.object, 'X' AS priv,
       CASE WHEN o.kind = 'procedure' THEN 'CALL ' ELSE 'EXPLAIN SELECT ' END || 'cleangov.' || quote_ident(p.proname) || '(' ||
       coalesce((SELECT string_agg(CASE WHEN p.provariadic <> 0 AND a.n = p.pronargs THEN 'VARIADIC ' ELSE '' END
                                   || CASE WHEN o.kind = 'procedure' THEN 'NULL::' || format_type(a.t, NULL)
                                           ELSE '(SELECT NULL::' || format_type(a.t, NULL) || ')' END, ', ' ORDER BY a.n)
                   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, n)), '') || ')' AS stmt,
       format('^permission denied for (function|aggregate|procedure) %s$|^permission denied for schema cleangov$',
              p.proname) AS denial
  FROM obj o JOIN pg_proc p ON p.oid = o.oid
 WHERE NOT EXISTS (SELECT FROM unnest(p.proargtypes::oid[]) a(t) JOIN pg_type t ON t.oid = a.t WHERE t.typtype = 'p')
UNION ALL
SELECT o.kind, o.object, v.priv, v.stmt,
       format('^permission denied for (table|view|sequence) %s$|^permission denied for schema cleangov$', o.name)
  FROM obj o
  JOIN pg_class c ON c.oid = o.oid
  CROSS JOIN LATERAL (VALUES
    ('r', format('EXPLAIN SELECT FROM cleangov.%I', o.name)),
    ('a', format('EXPLAIN INSERT INTO cleangov.%I SELECT WHERE false', o.name)),
    ('w', format('EXPLAIN UPDATE cleangov.%I SET %s = DEFAULT WHERE false', o.name,
                 (SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = o.oid AND a.attnum > 0
                     AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum LIMIT 1))),
    ('d', format('EXPLAIN DELETE FROM cleangov.%I WHERE false', o.name)),
    ('U', format('SELECT nextval(%L)', 'cleangov.' || quote_ident(o.name)))) v(priv, stmt)
 WHERE o.kind = 'table' AND v.priv <> 'U' OR o.kind = 'view' AND v.priv = 'r' OR o.kind = 'sequence' AND v.priv = 'U';
SET LOCAL search_path = cleangov, public, pg_catalog;
-- (writes to views are checked in the catalog only: the rewriter refuses a
-- write to a view that is not updatable before privileges are looked at)

SELECT cmp_ok((SELECT count(*)::int FROM probe WHERE kind IN ('function', 'aggregate', 'procedure')), '>=',
              (SELECT (count(*) * 0.6)::int FROM obj WHERE kind IN ('function', 'aggregate', 'procedure')),
              'most routines can be called from SQL and are probed');

SELECT is(ARRAY(SELECT p.object || ' ' || p.priv || ': ' || r.got || ', matrix says '
                         || CASE WHEN strpos(x.want, p.priv) > 0 THEN 'allowed' ELSE 'refused' END
                  FROM probe p JOIN cell x ON x.kind = p.kind AND x.object = p.object AND x.col = cc.col
                  CROSS JOIN LATERAL (SELECT pg_temp.act(cc.role, p.stmt, p.denial) AS got) r
                 WHERE r.got <> CASE WHEN strpos(x.want, p.priv) > 0 THEN 'allowed' ELSE 'refused' END
                 ORDER BY 1),
          '{}', 'as ' || cc.col || ': every probe is allowed or refused (42501) as the matrix says')
  FROM col cc ORDER BY cc.col;

-- ---- the rules that keep the class closed ---------------------------------
-- routines PUBLIC may execute without a reason in the matrix
CREATE TEMP TABLE public_exec AS
SELECT p.oid::regprocedure::text AS object, p.prosecdef, p.provolatile = 'v' AS writes
  FROM pg_proc p
 WHERE p.pronamespace = 'cleangov'::regnamespace
   AND EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f'::"char", p.proowner))) a
                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
   AND NOT EXISTS (SELECT FROM matrix m WHERE m.object = p.oid::regprocedure::text AND m.public = 'X' AND m.why <> '');
SELECT is(ARRAY(SELECT object FROM public_exec WHERE prosecdef ORDER BY 1), '{}',
          'no SECURITY DEFINER function is executable by PUBLIC unless the matrix says why');
SELECT is(ARRAY(SELECT object FROM public_exec WHERE writes ORDER BY 1), '{}',
          'no volatile (writing) function is executable by PUBLIC unless the matrix says why');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'cleangov'::regnamespace AND p.prosecdef
                   AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
                 ORDER BY 1),
          '{}', 'every SECURITY DEFINER function pins search_path = pg_catalog, pg_temp');

-- search_path: a function either pins it (SET search_path), or has a
-- SQL-standard body (RETURN / BEGIN ATOMIC: parsed when it is created, so no
-- name is looked up at call time; these stay inlinable), or is C (the C code
-- looks no name up).  The only exception is listed here with why.
CREATE TEMP TABLE unpinned_ok (object text, why text);
INSERT INTO unpinned_ok VALUES
  ('run_committing(text,text)', 'a procedure with SET cannot COMMIT: it calls set_config(''search_path'', ...) in each of its transactions'),
  ('drain_outbox_loop(interval,interval,integer)', 'a procedure with SET cannot COMMIT: it calls set_config(''search_path'', ...) in each of its transactions');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                 WHERE p.pronamespace = 'cleangov'::regnamespace
                   AND p.prokind <> 'a' AND l.lanname NOT IN ('c', 'internal')
                   AND p.prosqlbody IS NULL
                   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) s WHERE s LIKE 'search\_path=%')
                   AND p.oid::regprocedure::text NOT IN (SELECT object FROM unpinned_ok)
                 ORDER BY 1),
          '{}', 'every function pins its search_path, or has a SQL-standard body, or is C');
SELECT is(ARRAY(SELECT u.object FROM unpinned_ok u JOIN pg_proc p ON p.oid::regprocedure::text = u.object
                 WHERE p.pronamespace = 'cleangov'::regnamespace
                   AND (SELECT count(*) FROM regexp_matches(p.prosrc, 'set_config\(''search_path'', ''pg_catalog, pg_temp'', true\)', 'g'))
                       < 1 + (SELECT count(*) FROM regexp_matches(p.prosrc, '\mCOMMIT\M', 'g'))),
          '{}', 'the listed exception pins search_path at its start and after each COMMIT');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                 WHERE p.pronamespace = 'cleangov'::regnamespace AND l.lanname = 'c'
                   AND p.prosrc ~* 'spi' ORDER BY 1),
          '{}', 'no C function of the extension runs SQL (so none looks a name up at call time)');

-- The caller's search_path cannot change what the inlinable functions call:
-- an "=" and a "~" that always answer true, ahead of pg_catalog.
CREATE SCHEMA priv_evil;
CREATE FUNCTION priv_evil.yes(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE OPERATOR priv_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = priv_evil.yes);
CREATE OPERATOR priv_evil.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = priv_evil.yes);
CREATE TEMP TABLE periods (p text, kind text);
INSERT INTO periods VALUES ('2024', 'year'), ('nonsense', NULL);
-- (pgTAP itself would use them: the results are taken first, checked after)
SET LOCAL search_path = priv_evil, pg_catalog, public;
CREATE TEMP TABLE hijack AS
SELECT ARRAY(SELECT cleangov.period_rank(kind) FROM periods ORDER BY p) AS rank,
       ARRAY(SELECT cleangov.period_kind(p) FROM periods ORDER BY p) AS kind,
       cleangov.index_normalize(90, 'target', 'safer', NULL, NULL, 100) AS score;
SET LOCAL search_path = cleangov, public, pg_catalog;
SELECT is((SELECT rank FROM hijack), '{3,NULL}', 'period_rank ignores an "=" ahead of pg_catalog');
SELECT is((SELECT kind FROM hijack), '{year,NULL}', 'period_kind ignores a "~" ahead of pg_catalog');
SELECT is((SELECT score FROM hijack), 90::float8, 'index_normalize gives its value with a hostile search_path');

-- ...and index_normalize is still inlined into the scoring query (the period
-- functions are STRICT with a CASE body, which PostgreSQL never inlines).
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  l text;
  r text := '';
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    r := r || l || E'\n';
  END LOOP;
  RETURN r;
END
$$;
SELECT doesnt_match(pg_temp.plan_of($$SELECT cleangov.index_normalize(length(p), 'bounds', 'safer', 0, 10, NULL) FROM periods$$),
              'index_normalize\(', 'index_normalize is inlined');

SELECT * FROM finish();
ROLLBACK;
