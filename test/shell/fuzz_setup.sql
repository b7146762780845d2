-- Set-up of the sqlsmith runs (test/shell/fuzz.sh, bench/fuzz.sh), in a
-- database holding the demo data (demo/generate.sql, demo/detect.sql) and
-- cleangov.  sqlsmith learns the functions it may call from pg_proc, read
-- unqualified: the fuzzing role's search_path starts with the schema fuzz,
-- whose pg_proc view lists only the extension's functions and a few casts of
-- pg_catalog, so that the random queries are about cleangov.  The role is a
-- cleangov_admin (the widest cleangov role) and not a superuser.
SET client_min_messages = warning;
CREATE SCHEMA fuzz;
-- Functions hidden from sqlsmith: the known crashes of test/shell/known_failures.txt
-- (a crash restarts the server, so the run could not go on meaningfully).
CREATE TABLE fuzz.hidden (sig text PRIMARY KEY);
CREATE VIEW fuzz.pg_proc AS
SELECT p.* FROM pg_catalog.pg_proc p
 WHERE p.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                  WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'e' AND e.extname = 'cleangov'
                    AND d.objid NOT IN (SELECT pg_catalog.to_regprocedure(h.sig) FROM fuzz.hidden h))
    OR (p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND p.pronargs = 1
        AND p.proname IN ('float8', 'numeric', 'int4', 'int8', 'text', 'jsonb', 'date', 'regclass', 'bool'));
COMMENT ON VIEW fuzz.pg_proc IS 'What sqlsmith sees of pg_proc: the functions of cleangov and a few casts.';
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_fuzzer') THEN
    CREATE ROLE cleangov_fuzzer LOGIN;
  END IF;
END $$;
GRANT cleangov_admin TO cleangov_fuzzer;
GRANT USAGE ON SCHEMA fuzz, gov TO cleangov_fuzzer;
GRANT SELECT ON fuzz.pg_proc, fuzz.hidden TO cleangov_fuzzer;
GRANT SELECT ON ALL TABLES IN SCHEMA gov TO cleangov_fuzzer;
ALTER ROLE cleangov_fuzzer SET search_path = fuzz, pg_catalog, cleangov, gov, public;
ALTER ROLE cleangov_fuzzer SET statement_timeout = '2s';
