-- The extension as a package: it installs and drops cleanly, lives in its own
-- schema, and every object carries the labels and the COMMENT the docs rely on.
BEGIN;
SELECT plan(13);

SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'cleangov'),
          'cleangov', 'the extension lives in schema cleangov');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'cleangov'),
          false, 'the extension is not relocatable');
SELECT is(cleangov.version(),
          (SELECT default_version FROM pg_available_extensions WHERE name = 'cleangov'),
          'version() equals the control file''s default_version');
SELECT is(cleangov.library_version(), cleangov.version(),
          'the loaded library has the version of the SQL objects');

-- Everything the extension owns is in its schema (nothing leaks into public).
SELECT is(ARRAY(
    SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
      FROM pg_depend d
      JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
     WHERE d.refclassid = 'pg_extension'::regclass
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cleangov')
       AND d.deptype = 'e'
       AND p.pronamespace <> 'cleangov'::regnamespace
     UNION ALL
    SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
      FROM pg_depend d
      JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
     WHERE d.refclassid = 'pg_extension'::regclass
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cleangov')
       AND d.deptype = 'e'
       AND c.relnamespace <> 'cleangov'::regnamespace),
  '{}'::text[], 'no function or relation of the extension outside schema cleangov');

-- Labels: anything not IMMUTABLE says why in its COMMENT, and anything not
-- PARALLEL SAFE says why (psql's \df+ shows the COMMENT; doc/reference.md lists both).
SELECT is(ARRAY(
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'cleangov'::regnamespace
       AND p.provolatile <> 'i'
       AND coalesce(obj_description(p.oid, 'pg_proc'), '') !~* '(stable|volatile) because'
     ORDER BY 1),
  '{}'::text[], 'every function that is not IMMUTABLE says "stable/volatile because" in its COMMENT');
SELECT is(ARRAY(
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'cleangov'::regnamespace
       AND p.proparallel <> 's'
       AND coalesce(obj_description(p.oid, 'pg_proc'), '') !~* 'parallel (restricted|unsafe) because'
     ORDER BY 1),
  '{}'::text[], 'every function that is not PARALLEL SAFE says "parallel restricted/unsafe because" in its COMMENT');
SELECT is(ARRAY(
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'cleangov'::regnamespace
       AND p.prosecdef
       AND NOT coalesce(p.proconfig, '{}') @> ARRAY['search_path=pg_catalog, pg_temp']
     ORDER BY 1),
  '{}'::text[], 'every SECURITY DEFINER function pins search_path = pg_catalog, pg_temp');

-- COMMENT on every user-facing object.
SELECT is(ARRAY(
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'cleangov'::regnamespace
       AND obj_description(p.oid, 'pg_proc') IS NULL
     ORDER BY 1),
  '{}'::text[], 'every function and aggregate has a COMMENT');
SELECT is(ARRAY(
    SELECT c.oid::regclass::text FROM pg_class c
     WHERE c.relnamespace = 'cleangov'::regnamespace
       AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
       AND obj_description(c.oid, 'pg_class') IS NULL
     ORDER BY 1),
  '{}'::text[], 'every table and view has a COMMENT');
SELECT is(ARRAY(
    SELECT t.oid::regtype::text FROM pg_type t
      LEFT JOIN pg_class c ON c.oid = t.typrelid
     WHERE t.typnamespace = 'cleangov'::regnamespace
       AND NOT EXISTS (SELECT FROM pg_type a WHERE a.typarray = t.oid)
       AND (t.typrelid = 0 OR c.relkind = 'c')
       AND obj_description(t.oid, 'pg_type') IS NULL
     ORDER BY 1),
  '{}'::text[], 'every type has a COMMENT');

-- Drop and install again inside this transaction: nothing is left behind.
DROP EXTENSION cleangov;
-- The schema named in the control file is created by CREATE EXTENSION but is
-- not a member of the extension, so PostgreSQL leaves it (empty) behind.
SELECT is((SELECT count(*)::int FROM pg_class WHERE relnamespace = 'cleangov'::regnamespace)
        + (SELECT count(*)::int FROM pg_proc WHERE pronamespace = 'cleangov'::regnamespace)
        + (SELECT count(*)::int FROM pg_type WHERE typnamespace = 'cleangov'::regnamespace),
          0, 'DROP EXTENSION leaves no table, view, function or type behind');
CREATE EXTENSION cleangov;
SELECT is(cleangov.version(),
          (SELECT default_version FROM pg_available_extensions WHERE name = 'cleangov'),
          'the extension drops and installs again cleanly');

SELECT * FROM finish();
ROLLBACK;
